"""The engine's own tables (SQLAlchemy Core). Alembic migrations create them; this module is
the description repositories query."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

register_versions = Table(
    "register_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("controller_name", String(500), nullable=False),
    Column("effective_date", Date, nullable=True),
    Column("content", Text, nullable=False),
    Column("source_file", String(1000), nullable=True),
    Column("stored_at", DateTime, nullable=False),
    Column("stored_by", String(200), nullable=False),
    Column("activated_at", DateTime, nullable=True),
    Column("activated_by", String(200), nullable=True),
    Column("is_active", Boolean, nullable=False, default=False),
    Column("notice_change", String(10), nullable=True),  # first | major | minor (revision 0002)
)

data_subjects = Table(
    "data_subjects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime, nullable=False),
)

subject_identifiers = Table(
    "subject_identifiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("lookup_hash", String(64), nullable=False),
    Column("sealed_value", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("subject_id", "kind", "lookup_hash"),
    Index("ix_subject_identifiers_lookup", "kind", "lookup_hash"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("action", String(100), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("object_type", String(100), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_object", "object_type", "object_id"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("hash", String(64), nullable=False),
)

# --- consent ledger, marketing lists, restriction and objection states (revision 0002) ---------

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=True),
    Column("browser_id", String(64), nullable=True),
    Column("purpose", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("register_version", String(64), nullable=False),
    Column("notice_sha256", String(64), nullable=True),
    Column("banner_sha256", String(64), nullable=True),
    Column("language", String(8), nullable=True),
    Column("ip_truncated", String(64), nullable=True),
    Column("user_agent", String(500), nullable=True),
    Column("choice_id", String(36), nullable=False),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("record_sha256", String(64), nullable=False),
    Index("ix_consent_events_subject", "subject_id", "purpose"),
    Index("ix_consent_events_browser", "browser_id", "purpose"),
)

browser_links = Table(
    "browser_links",
    metadata,
    Column("browser_id", String(64), primary_key=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("linked_at", DateTime, nullable=False),
)

marketing_lists = Table(
    "marketing_lists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list", String(20), nullable=False),  # opposition | suppression
    Column("kind", String(20), nullable=False),  # identifier kind
    Column("lookup_hash", String(64), nullable=False),
    Column("channel", String(20), nullable=False),  # email | sms | push | phone | all
    Column("added_at", DateTime, nullable=False),
    Column("source", String(40), nullable=False),
    UniqueConstraint("list", "kind", "lookup_hash", "channel"),
    Index("ix_marketing_lists_lookup", "kind", "lookup_hash"),
)

restrictions = Table(
    "restrictions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("purposes", Text, nullable=False),  # JSON list; [] means every purpose
    Column("reason", String(500), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("lifted_at", DateTime, nullable=True),
    Column("lift_reason", String(500), nullable=True),
    Index("ix_restrictions_subject", "subject_id"),
)

objections = Table(
    "objections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("status", String(20), nullable=False),  # upheld | overridden
    Column("grounds", Text, nullable=True),  # the compelling legitimate grounds, when overridden
    Column("decided_at", DateTime, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Index("ix_objections_subject", "subject_id"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("activity", String(100), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=True),
    Index("ix_contracts_subject", "subject_id"),
)

pending_actions = Table(
    "pending_actions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("subject_id", String(36), nullable=True),
    Column("browser_id", String(64), nullable=True),
    Column("rule", String(100), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", String(20), nullable=False),  # pending | done
    Column("trigger_event_id", String(36), nullable=True),
)
