"""shared rate limits (issue 6).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the issue 6 work


def downgrade() -> None:
    pass
