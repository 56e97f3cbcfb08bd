"""The breach register (GDPR art. 33/34) and the audit trail's signed anchor after a purge (issue 6).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("natures", sa.String(100), nullable=False),
        sa.Column("origin", sa.String(30), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("data_categories", sa.Text, nullable=False),
        sa.Column("subject_categories", sa.Text, nullable=False),
        sa.Column("approx_subjects", sa.Integer, nullable=False),
        sa.Column("approx_records", sa.Integer, nullable=False),
        sa.Column("consequences", sa.Text, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("became_known_at", sa.DateTime, nullable=False),
        sa.Column("risk", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("authority_notified_at", sa.DateTime, nullable=True),
        sa.Column("authority_reference", sa.String(200), nullable=True),
        sa.Column("delay_reasons", sa.Text, nullable=True),
        sa.Column("people_told_at", sa.DateTime, nullable=True),
        sa.Column("people_told_how", sa.Text, nullable=True),
        sa.Column("people_exemption", sa.Text, nullable=True),
        sa.Column("hold_id", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_breaches"),
        sa.UniqueConstraint("reference", name="uq_breaches_reference"),
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("cutoff", sa.DateTime, nullable=False),
        sa.Column("purged_at", sa.DateTime, nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_anchor"),
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    op.drop_table("breaches")
