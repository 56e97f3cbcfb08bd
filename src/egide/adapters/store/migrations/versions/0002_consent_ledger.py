"""Consent ledger, marketing lists, restriction/objection/contract states, pending actions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FK = "data_subjects.id"


def _subject(nullable: bool, table: str) -> list:
    return [
        sa.Column("subject_id", sa.String(36), nullable=nullable),
        sa.ForeignKeyConstraint(["subject_id"], [FK], ondelete="CASCADE", name=f"fk_{table}_subject_id_data_subjects"),
    ]


def upgrade() -> None:
    op.add_column("register_versions", sa.Column("notice_change", sa.String(10), nullable=True))
    op.create_table(
        "consent_events",
        sa.Column("id", sa.String(36), nullable=False),
        *_subject(True, "consent_events"),
        sa.Column("browser_id", sa.String(64), nullable=True),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("register_version", sa.String(64), nullable=False),
        sa.Column("notice_sha256", sa.String(64), nullable=True),
        sa.Column("banner_sha256", sa.String(64), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("ip_truncated", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(500), nullable=True),
        sa.Column("choice_id", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
        sa.UniqueConstraint("idempotency_key", name="uq_consent_events_idempotency_key"),
    )
    op.create_index("ix_consent_events_subject", "consent_events", ["subject_id", "purpose"])
    op.create_index("ix_consent_events_browser", "consent_events", ["browser_id", "purpose"])
    op.create_table(
        "browser_links",
        sa.Column("browser_id", sa.String(64), nullable=False),
        *_subject(False, "browser_links"),
        sa.Column("linked_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("browser_id", name="pk_browser_links"),
    )
    op.create_table(
        "marketing_lists",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("list", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lookup_hash", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_lists"),
        sa.UniqueConstraint("list", "kind", "lookup_hash", "channel",
                            name="uq_marketing_lists_list_kind_lookup_hash_channel"),
    )
    op.create_index("ix_marketing_lists_lookup", "marketing_lists", ["kind", "lookup_hash"])
    op.create_table(
        "restrictions",
        sa.Column("id", sa.String(36), nullable=False),
        *_subject(False, "restrictions"),
        sa.Column("purposes", sa.Text, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("lifted_at", sa.DateTime, nullable=True),
        sa.Column("lift_reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_restrictions"),
    )
    op.create_index("ix_restrictions_subject", "restrictions", ["subject_id"])
    op.create_table(
        "objections",
        sa.Column("id", sa.String(36), nullable=False),
        *_subject(False, "objections"),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("grounds", sa.Text, nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_objections"),
    )
    op.create_index("ix_objections_subject", "objections", ["subject_id"])
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(36), nullable=False),
        *_subject(False, "contracts"),
        sa.Column("activity", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
    )
    op.create_index("ix_contracts_subject", "contracts", ["subject_id"])
    op.create_table(
        "pending_actions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=True),
        sa.Column("browser_id", sa.String(64), nullable=True),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trigger_event_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pending_actions"),
    )


def downgrade() -> None:
    for index, table in (("ix_contracts_subject", "contracts"), ("ix_objections_subject", "objections"),
                         ("ix_restrictions_subject", "restrictions"), ("ix_marketing_lists_lookup", "marketing_lists"),
                         ("ix_consent_events_browser", "consent_events"),
                         ("ix_consent_events_subject", "consent_events")):
        op.drop_index(index, table_name=table)
    with op.batch_alter_table("register_versions") as batch:
        batch.drop_column("notice_change")
    for table in ("pending_actions", "contracts", "objections", "restrictions", "marketing_lists", "browser_links",
                  "consent_events"):
        op.drop_table(table)
