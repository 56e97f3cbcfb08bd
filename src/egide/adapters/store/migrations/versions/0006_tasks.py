"""Tasks for people (manual connectors, human review of automated decisions, objections), fees
(art. 12(5)(a)) and restriction lifts announced to the person (art. 18(3)).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
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
        "tasks",
        sa.Column("id", sa.String(36), nullable=False),
        *_request("tasks"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("instructions", sa.Text, nullable=True),
        sa.Column("link", sa.String(36), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("sealed_outcome", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.UniqueConstraint("request_id", "kind", "source", name="uq_tasks_request_id_kind_source"),
    )
    op.create_index("ix_tasks_status", "tasks", ["status", "due_on"])
    op.create_table(
        "request_fees",
        sa.Column("id", sa.String(36), nullable=False),
        *_request("request_fees"),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("ground", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("charged_at", sa.DateTime, nullable=False),
        sa.Column("charged_by", sa.String(200), nullable=False),
        sa.Column("paid_at", sa.DateTime, nullable=True),
        sa.Column("paid_recorded_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_request_fees"),
    )
    op.create_index("ix_request_fees_request", "request_fees", ["request_id"])
    op.create_table(
        "restriction_lifts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("restriction_id", sa.String(36), nullable=False),
        *_request("restriction_lifts"),
        sa.Column("notice_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("announced_at", sa.DateTime, nullable=False),
        sa.Column("lift_on", sa.Date, nullable=False),
        sa.Column("lifted_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_restriction_lifts"),
        sa.ForeignKeyConstraint(["restriction_id"], ["restrictions.id"], ondelete="CASCADE",
                                name="fk_restriction_lifts_restriction_id_restrictions"),
        sa.UniqueConstraint("restriction_id", name="uq_restriction_lifts_restriction_id"),
    )
    op.create_index("ix_restriction_lifts_pending", "restriction_lifts", ["lifted_at", "lift_on"])


def downgrade() -> None:
    op.drop_index("ix_restriction_lifts_pending", table_name="restriction_lifts")
    op.drop_index("ix_request_fees_request", table_name="request_fees")
    op.drop_index("ix_tasks_status", table_name="tasks")
    for table in ("restriction_lifts", "request_fees", "tasks"):
        op.drop_table(table)
