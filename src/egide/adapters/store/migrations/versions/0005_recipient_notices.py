"""Art. 19 notices to recipients and calls to processors' webhooks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recipient_notices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("recipient_name", sa.String(500), nullable=False),
        sa.Column("recipient_kind", sa.String(30), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("address", sa.String(1000), nullable=True),
        sa.Column("activities", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("sealed_body", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("answer_status", sa.Integer, nullable=True),
        sa.Column("sealed_answer", sa.LargeBinary, nullable=True),
        sa.Column("answered_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recipient_notices"),
        sa.ForeignKeyConstraint(["request_id"], ["data_subject_requests.id"], ondelete="CASCADE",
                                name="fk_recipient_notices_request_id_data_subject_requests"),
        sa.UniqueConstraint("request_id", "recipient", name="uq_recipient_notices_request_id_recipient"),
    )
    op.create_index("ix_recipient_notices_status", "recipient_notices", ["status", "created_at"])
    op.create_table(
        "webhook_calls",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("dataset", sa.String(100), nullable=False),
        sa.Column("connector", sa.String(100), nullable=False),
        sa.Column("right", sa.String(30), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("sealed_answer", sa.LargeBinary, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("called_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_calls"),
        sa.ForeignKeyConstraint(["request_id"], ["data_subject_requests.id"], ondelete="CASCADE",
                                name="fk_webhook_calls_request_id_data_subject_requests"),
    )
    op.create_index("ix_webhook_calls_request", "webhook_calls", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_calls_request", table_name="webhook_calls")
    op.drop_table("webhook_calls")
    op.drop_index("ix_recipient_notices_status", table_name="recipient_notices")
    op.drop_table("recipient_notices")
