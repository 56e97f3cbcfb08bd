"""Sealed consent proof (issue 6): the IP address and user agent of a consent event, sealed with the
key of its data subject (or of its browser), in one new column. Events recorded before keep their
clear columns (and their digests): they still read, and ``egide consent verify`` still passes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("consent_events", sa.Column("sealed_proof", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_events") as batch:
        batch.drop_column("sealed_proof")
