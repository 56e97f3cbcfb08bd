"""Executing rights on the company's databases: resumable steps, the erasure log (for replays
after a restored backup) and the statements of disputed rectifications.

No foreign key to the requests: the erasure log must outlive a request that is purged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "execution_steps",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run", sa.String(200), nullable=False),
        sa.Column("step", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_execution_steps"),
        sa.UniqueConstraint("run", "step", name="uq_execution_steps_run_step"),
    )
    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False),
        sa.Column("dataset", sa.String(100), nullable=False),
        sa.Column("lookup_hashes", sa.Text, nullable=False),
        sa.Column("tables", sa.Text, nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_erasure_log"),
        sa.UniqueConstraint("request_id", "dataset", name="uq_erasure_log_request_id_dataset"),
    )
    op.create_index("ix_erasure_log_started_at", "erasure_log", ["started_at"])
    op.create_table(
        "disputed_rectifications",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lookup_hash", sa.String(64), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("sealed_statement", sa.LargeBinary, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_disputed_rectifications"),
    )
    op.create_index("ix_disputed_rectifications_lookup", "disputed_rectifications", ["kind", "lookup_hash"])


def downgrade() -> None:
    op.drop_index("ix_disputed_rectifications_lookup", table_name="disputed_rectifications")
    op.drop_table("disputed_rectifications")
    op.drop_index("ix_erasure_log_started_at", table_name="erasure_log")
    op.drop_table("erasure_log")
    op.drop_table("execution_steps")
