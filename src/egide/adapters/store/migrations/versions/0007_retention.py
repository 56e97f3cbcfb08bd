"""Retention: runs, batches and legal holds.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("batch_size", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("summary", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_retention_runs"),
    )
    op.create_index("ix_retention_runs_status", "retention_runs", ["status"])
    op.create_table(
        "retention_batches",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("step", sa.String(300), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("lock_ms", sa.Integer, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_retention_batches"),
        sa.ForeignKeyConstraint(["run_id"], ["retention_runs.id"], name="fk_retention_batches_run_id_retention_runs"),
        sa.UniqueConstraint("run_id", "step", "seq", name="uq_retention_batches_run_id_step_seq"),
    )
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("dataset", sa.String(100), nullable=True),
        sa.Column("table_name", sa.String(200), nullable=True),
        sa.Column("subject_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(20), nullable=True),
        sa.Column("lookup_hash", sa.String(64), nullable=True),
        sa.Column("event", sa.String(40), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("ends_at", sa.DateTime, nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_retention_holds"),
    )


def downgrade() -> None:
    op.drop_table("retention_holds")
    op.drop_table("retention_batches")
    op.drop_index("ix_retention_runs_status", table_name="retention_runs")
    op.drop_table("retention_runs")
