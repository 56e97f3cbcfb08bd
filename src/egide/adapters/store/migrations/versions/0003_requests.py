"""Data-subject requests: the requests, their clock suspensions, verification codes and notices.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _request(table: str) -> list:
    return [
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["data_subject_requests.id"], ondelete="CASCADE",
                                name=f"fk_{table}_request_id_data_subject_requests"),
    ]


def upgrade() -> None:
    op.create_table(
        "data_subject_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("right", sa.String(30), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("sealed_text", sa.LargeBinary, nullable=True),
        sa.Column("sealed_claims", sa.LargeBinary, nullable=True),
        sa.Column("extension", sa.String(10), nullable=True),
        sa.Column("extension_reason", sa.Text, nullable=True),
        sa.Column("extended_at", sa.DateTime, nullable=True),
        sa.Column("refusal_ground", sa.String(30), nullable=True),
        sa.Column("refusal_reason", sa.Text, nullable=True),
        sa.Column("identity_method", sa.String(30), nullable=True),
        sa.Column("identity_verified_at", sa.DateTime, nullable=True),
        sa.Column("identity_verified_by", sa.String(200), nullable=True),
        sa.Column("sealed_identity_note", sa.LargeBinary, nullable=True),
        sa.Column("identity_document_deleted_at", sa.DateTime, nullable=True),
        sa.Column("sealed_result", sa.LargeBinary, nullable=True),
        sa.Column("answered_at", sa.DateTime, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_subject_requests"),
        sa.UniqueConstraint("reference", name="uq_data_subject_requests_reference"),
        sa.ForeignKeyConstraint(["subject_id"], ["data_subjects.id"], ondelete="CASCADE",
                                name="fk_data_subject_requests_subject_id_data_subjects"),
    )
    op.create_index("ix_data_subject_requests_subject", "data_subject_requests", ["subject_id"])
    op.create_index("ix_data_subject_requests_status", "data_subject_requests", ["status", "due_on"])
    op.create_table(
        "request_counters",
        sa.Column("year", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_request_counters"),
    )
    op.create_table(
        "request_suspensions",
        sa.Column("id", sa.String(36), nullable=False),
        *_request("request_suspensions"),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_request_suspensions"),
    )
    op.create_index("ix_request_suspensions_request", "request_suspensions", ["request_id"])
    op.create_table(
        "verification_codes",
        sa.Column("id", sa.String(36), nullable=False),
        *_request("verification_codes"),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_verification_codes"),
    )
    op.create_index("ix_verification_codes_request", "verification_codes", ["request_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.String(36), nullable=False),
        *_request("notices"),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("sealed_to", sa.LargeBinary, nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("sealed_body", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("transport", sa.String(20), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_pending", "notices", ["sent_at", "created_at"])
    op.create_index("ix_notices_request", "notices", ["request_id"])


def downgrade() -> None:
    for index, table in (("ix_notices_request", "notices"), ("ix_notices_pending", "notices"),
                         ("ix_verification_codes_request", "verification_codes"),
                         ("ix_request_suspensions_request", "request_suspensions"),
                         ("ix_data_subject_requests_status", "data_subject_requests"),
                         ("ix_data_subject_requests_subject", "data_subject_requests")):
        op.drop_index(index, table_name=table)
    for table in ("notices", "verification_codes", "request_suspensions", "request_counters", "data_subject_requests"):
        op.drop_table(table)
