"""Retention: people re-contacted before their data goes (seed 002: prospects after three years;
seed 004: after six months), the notice sent, and their answer (keep me / forget me).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recontact_contacts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("dataset", sa.String(100), nullable=False),
        sa.Column("table_name", sa.String(128), nullable=False),
        sa.Column("row_key", sa.String(300), nullable=False),
        sa.Column("clock_at", sa.DateTime, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("sealed_to", sa.LargeBinary, nullable=True),
        sa.Column("contacted_at", sa.DateTime, nullable=False),
        sa.Column("notified_at", sa.DateTime, nullable=True),
        sa.Column("transport", sa.String(20), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("answer", sa.String(10), nullable=True),
        sa.Column("answered_at", sa.DateTime, nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("request_reference", sa.String(20), nullable=True),
        sa.Column("clock_moved_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recontact_contacts"),
        sa.UniqueConstraint("reference", name="uq_recontact_contacts_reference"),
        sa.UniqueConstraint("rule", "dataset", "table_name", "row_key", "clock_at",
                            name="uq_recontact_contacts_rule_dataset_table_name_row_key_clock_at"),
    )
    op.create_index("ix_recontact_contacts_row", "recontact_contacts", ["rule", "dataset", "table_name", "row_key"])


def downgrade() -> None:
    op.drop_index("ix_recontact_contacts_row", table_name="recontact_contacts")
    op.drop_table("recontact_contacts")
