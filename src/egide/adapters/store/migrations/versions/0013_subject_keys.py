"""Subject keys (issue 6): one data key per person, wrapped by the master key; erasure destroys it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_keys",
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("key_id", sa.LargeBinary, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=True),
        sa.Column("master_id", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("destroyed_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("subject_id", name="pk_subject_keys"),
    )


def downgrade() -> None:
    op.drop_table("subject_keys")
