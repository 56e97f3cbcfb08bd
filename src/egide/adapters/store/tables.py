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
