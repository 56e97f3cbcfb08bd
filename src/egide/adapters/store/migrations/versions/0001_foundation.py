"""Foundation: register versions, data subjects and identifiers, the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "register_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("controller_name", sa.String(500), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("source_file", sa.String(1000), nullable=True),
        sa.Column("stored_at", sa.DateTime, nullable=False),
        sa.Column("stored_by", sa.String(200), nullable=False),
        sa.Column("activated_at", sa.DateTime, nullable=True),
        sa.Column("activated_by", sa.String(200), nullable=True),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_register_versions"),
        sa.UniqueConstraint("sha256", name="uq_register_versions_sha256"),
    )
    op.create_table(
        "data_subjects",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_subjects"),
    )
    op.create_table(
        "subject_identifiers",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lookup_hash", sa.String(64), nullable=False),
        sa.Column("sealed_value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subject_identifiers"),
        sa.ForeignKeyConstraint(["subject_id"], ["data_subjects.id"], ondelete="CASCADE",
                                name="fk_subject_identifiers_subject_id_data_subjects"),
        sa.UniqueConstraint("subject_id", "kind", "lookup_hash",
                            name="uq_subject_identifiers_subject_id_kind_lookup_hash"),
    )
    op.create_index("ix_subject_identifiers_lookup", "subject_identifiers", ["kind", "lookup_hash"])
    op.create_table(
        "audit_events",
        sa.Column("seq", BigInt, nullable=False, autoincrement=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("object_type", sa.String(100), nullable=False),
        sa.Column("object_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("seq", BigInt, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_subject_identifiers_lookup", table_name="subject_identifiers")
    op.drop_table("subject_identifiers")
    op.drop_table("data_subjects")
    op.drop_table("register_versions")
