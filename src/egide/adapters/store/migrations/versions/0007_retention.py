"""Retention: runs, batches and legal holds.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the retention work


def downgrade() -> None:
    pass
