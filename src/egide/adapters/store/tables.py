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

# One data key per person (revision 0013), stored only wrapped by the master key (never in clear):
# values sealed for the person (identifiers, request texts) use it; erasure destroys it.
subject_keys = Table(
    "subject_keys",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("key_id", LargeBinary, nullable=False),  # 8 random bytes, copied into every value sealed with it
    Column("wrapped_key", LargeBinary, nullable=True),  # NULL once destroyed
    Column("master_id", String(16), nullable=True),  # fingerprint of the master key that wrapped it
    Column("created_at", DateTime, nullable=False),
    Column("destroyed_at", DateTime, nullable=True),
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
    Column("user_agent", String(500), nullable=True),  # in clear only in events recorded before revision 0014
    Column("choice_id", String(36), nullable=False),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("record_sha256", String(64), nullable=False),
    # since revision 0014: the IP address (truncated) and user agent, sealed with the key of the data
    # subject, or of the browser for a banner's anonymous choice (consent_repositories.py)
    Column("sealed_proof", LargeBinary, nullable=True),
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

# --- data-subject requests, their clock suspensions, verification codes, notices (revision 0003) ---

data_subject_requests = Table(
    "data_subject_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),  # DSR-2026-000123
    Column("subject_id", String(36), ForeignKey("data_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("right", String(30), nullable=False),
    Column("status", String(30), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("language", String(2), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("due_on", Date, nullable=False),  # as of the last change; suspensions move it while open
    Column("sealed_text", LargeBinary, nullable=True),  # the person's own words
    Column("sealed_claims", LargeBinary, nullable=True),  # JSON: the identity they claimed (email, name, ...)
    Column("extension", String(10), nullable=True),  # ISO 8601 duration, at most P2M
    Column("extension_reason", Text, nullable=True),
    Column("extended_at", DateTime, nullable=True),
    Column("refusal_ground", String(30), nullable=True),
    Column("refusal_reason", Text, nullable=True),
    Column("identity_method", String(30), nullable=True),
    Column("identity_verified_at", DateTime, nullable=True),
    Column("identity_verified_by", String(200), nullable=True),
    Column("sealed_identity_note", LargeBinary, nullable=True),  # how an agent checked, in their words
    Column("identity_document_deleted_at", DateTime, nullable=True),
    Column("sealed_result", LargeBinary, nullable=True),
    Column("answered_at", DateTime, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_data_subject_requests_subject", "subject_id"),
    Index("ix_data_subject_requests_status", "status", "due_on"),
)

request_counters = Table(
    "request_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),  # the last number drawn: locked while a request is logged
)

request_suspensions = Table(
    "request_suspensions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(30), nullable=False),  # verification_code | identity_document
    Column("reason", Text, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=True),
    Index("ix_request_suspensions_request", "request_id"),
)

verification_codes = Table(
    "verification_codes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),  # 1 for the first code of the request, 2 for the next...
    Column("code_hash", String(64), nullable=False),  # HMAC of the code: the code itself is never stored
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("used_at", DateTime, nullable=True),
    Index("ix_verification_codes_request", "request_id"),
)

notices = Table(
    "notices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(30), nullable=False),  # received | code | identity_document | extended | answered | refused
    Column("language", String(2), nullable=False),
    Column("sealed_to", LargeBinary, nullable=False),
    Column("subject", String(300), nullable=False),
    Column("sealed_body", LargeBinary, nullable=True),  # dropped once a code notice is delivered
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime, nullable=True),
    Column("transport", String(20), nullable=True),  # smtp | outbox
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=True),
    Index("ix_notices_pending", "sent_at", "created_at"),
    Index("ix_notices_request", "request_id"),
)

# --- executing rights on the company's databases: steps, erasure log, disputed rectifications (0004) ---

execution_steps = Table(
    "execution_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run", String(200), nullable=False),  # request id/dataset, or a replay's own key
    Column("step", String(200), nullable=False),  # erase:orders, logs:web-access, suppression...
    Column("status", String(20), nullable=False),  # done
    Column("counts", Text, nullable=False),  # JSON: numbers of rows and lines, never their content
    Column("finished_at", DateTime, nullable=False),
    UniqueConstraint("run", "step"),
)

erasure_log = Table(
    "erasure_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(100), nullable=False),
    Column("dataset", String(100), nullable=False),
    Column("lookup_hashes", Text, nullable=False),  # JSON [{kind, hash}]: keyed hashes, never the identifiers
    Column("tables", Text, nullable=True),  # JSON {table: {deleted, masked, kept}}
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    UniqueConstraint("request_id", "dataset"),
    Index("ix_erasure_log_started_at", "started_at"),
)

disputed_rectifications = Table(
    "disputed_rectifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(100), nullable=False),
    Column("kind", String(20), nullable=False),  # identifier kind
    Column("lookup_hash", String(64), nullable=False),
    Column("fields", Text, nullable=False),  # JSON list of categories or table.column
    Column("sealed_statement", LargeBinary, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Index("ix_disputed_rectifications_lookup", "kind", "lookup_hash"),
)

# --- the status link of a request, and the job runner's journal (0008) ---

request_status_tokens = Table(
    "request_status_tokens",
    metadata,
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("token_sha256", String(64), nullable=False),  # the secret itself is only ever given to the person
    Column("issued_at", DateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),  # request.run, retention.run...
    Column("arguments", Text, nullable=False),  # JSON: references and keys, never personal data
    Column("runner", String(20), nullable=False),  # inprocess | procrastinate
    Column("status", String(20), nullable=False),  # queued | running | succeeded | failed
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=True),  # the exception's type and message when it failed
    Column("dedupe_key", String(200), nullable=True, unique=True),  # daily:retention.run:2026-11-22
    Column("enqueued_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Index("ix_jobs_status", "status", "enqueued_at"),
)


# --- art. 19 notices to recipients and calls to processors' webhooks (0005) ---

recipient_notices = Table(
    "recipient_notices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("recipient", String(200), nullable=False),  # the register's recipient key
    Column("recipient_name", String(500), nullable=False),
    Column("recipient_kind", String(30), nullable=False),
    Column("channel", String(10), nullable=False),  # email | webhook | none
    Column("address", String(1000), nullable=True),  # the recipient's contact (a company's, not the person's)
    Column("activities", Text, nullable=False),  # JSON list of the register activities concerned
    Column("status", String(20), nullable=False),  # pending | sent | failed | acknowledged | cannot_notify
    Column("subject", String(300), nullable=False),
    Column("sealed_body", LargeBinary, nullable=True),  # the email text or the webhook JSON (names the person)
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=True),
    Column("answer_status", Integer, nullable=True),  # the webhook's HTTP status
    Column("sealed_answer", LargeBinary, nullable=True),  # the webhook's answer or the recipient's callback
    Column("answered_at", DateTime, nullable=True),
    UniqueConstraint("request_id", "recipient"),
    Index("ix_recipient_notices_status", "status", "created_at"),
)

webhook_calls = Table(
    "webhook_calls",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("dataset", String(100), nullable=False),
    Column("connector", String(100), nullable=False),  # the dataset's webhook name
    Column("right", String(30), nullable=False),
    Column("url", String(1000), nullable=False),
    Column("status", String(20), nullable=False),  # answered | failed
    Column("http_status", Integer, nullable=True),
    Column("sealed_answer", LargeBinary, nullable=True),  # the processor's answer (may hold the person's data)
    Column("error", Text, nullable=True),
    Column("called_at", DateTime, nullable=False),
    Index("ix_webhook_calls_request", "request_id"),
)

# --- tasks for people (manual sources, human review, objections), fees, announced lifts (0006) ---

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # manual_source | human_review | objection
    Column("source", String(300), nullable=False),  # the manual source, the decisions' keys, the purpose
    Column("title", String(300), nullable=False),  # from the dataset or the register: no personal data
    Column("instructions", Text, nullable=True),
    Column("link", String(36), nullable=True),  # the objection's id, for an objection task
    Column("assignee", String(200), nullable=True),
    Column("due_on", Date, nullable=False),
    Column("status", String(20), nullable=False),  # open | done | cancelled
    Column("decision", String(20), nullable=True),  # done | upheld | changed | overridden
    Column("sealed_outcome", LargeBinary, nullable=True),  # the person's words: may hold personal data
    Column("created_at", DateTime, nullable=False),
    Column("closed_at", DateTime, nullable=True),
    Column("closed_by", String(200), nullable=True),
    UniqueConstraint("request_id", "kind", "source"),
    Index("ix_tasks_status", "status", "due_on"),
)

request_fees = Table(
    "request_fees",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("ground", String(30), nullable=False),  # manifestly_unfounded | excessive
    Column("reason", Text, nullable=False),  # the administrative costs it covers, told to the person
    Column("charged_at", DateTime, nullable=False),
    Column("charged_by", String(200), nullable=False),
    Column("paid_at", DateTime, nullable=True),
    Column("paid_recorded_by", String(200), nullable=True),
    Index("ix_request_fees_request", "request_id"),
)

restriction_lifts = Table(
    "restriction_lifts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("restriction_id", String(36), ForeignKey("restrictions.id", ondelete="CASCADE"), nullable=False),
    Column("request_id", String(36), ForeignKey("data_subject_requests.id", ondelete="CASCADE"), nullable=False),
    Column("notice_id", String(36), nullable=False),  # the notice telling the person, sent before the lift
    Column("reason", Text, nullable=False),
    Column("announced_at", DateTime, nullable=False),
    Column("lift_on", Date, nullable=False),
    Column("lifted_at", DateTime, nullable=True),
    UniqueConstraint("restriction_id"),
    Index("ix_restriction_lifts_pending", "lifted_at", "lift_on"),
)


# --- retention: people re-contacted before their data goes, and their answers (revision 0009) ---

recontact_contacts = Table(
    "recontact_contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),  # RC-1A2B3C4D, in the notice's subject
    Column("rule", String(100), nullable=False),  # the register's retention rule key
    Column("dataset", String(100), nullable=False),
    Column("table_name", String(128), nullable=False),
    Column("row_key", String(300), nullable=False),  # JSON list of the row's primary-key values
    Column("clock_at", DateTime, nullable=False),  # the clock when contacted: one contact per cycle
    Column("language", String(2), nullable=False),
    Column("sealed_to", LargeBinary, nullable=True),  # the address written to (none: no email column)
    Column("contacted_at", DateTime, nullable=False),
    Column("notified_at", DateTime, nullable=True),
    Column("transport", String(20), nullable=True),  # smtp | outbox
    Column("error", Text, nullable=True),
    Column("answer", String(10), nullable=True),  # keep | forget
    Column("answered_at", DateTime, nullable=True),
    Column("answered_by", String(200), nullable=True),  # data_subject (the signed link) or a staff actor
    Column("request_reference", String(20), nullable=True),  # forget: the erasure request opened
    Column("clock_moved_at", DateTime, nullable=True),  # keep: when the row's clock column was set to answered_at
    UniqueConstraint("rule", "dataset", "table_name", "row_key", "clock_at"),
    Index("ix_recontact_contacts_row", "rule", "dataset", "table_name", "row_key"),
)

# --- retention (revision 0007) -------------------------------------------------------------

retention_runs = Table(
    "retention_runs",
    metadata,
    Column("id", String(40), primary_key=True),  # ret-20260101T000000-xxxx
    Column("at", DateTime, nullable=False),  # the instant the rules are applied at
    Column("status", String(20), nullable=False),  # running | done
    Column("actor", String(200), nullable=False),
    Column("batch_size", Integer, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("summary", Text, nullable=True),  # JSON: counts per rule, table and action; never data
    Index("ix_retention_runs_status", "status"),
)

retention_batches = Table(
    "retention_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), ForeignKey("retention_runs.id"), nullable=False),
    Column("step", String(300), nullable=False),  # dataset/table/action
    Column("seq", Integer, nullable=False),
    Column("rule", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("lock_ms", Integer, nullable=False),  # how long the batch's transaction lasted
    Column("finished_at", DateTime, nullable=False),
    Column("done", Boolean, nullable=False, default=False),  # the step's last batch
    UniqueConstraint("run_id", "step", "seq"),
)

retention_holds = Table(
    "retention_holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(20), nullable=False),  # person | dataset | table | event
    Column("dataset", String(100), nullable=True),
    Column("table_name", String(200), nullable=True),  # a table or a log directory
    Column("subject_id", String(36), nullable=True),  # person: the data subject (identifiers encrypted there)
    Column("kind", String(20), nullable=True),
    Column("lookup_hash", String(64), nullable=True),
    Column("event", String(40), nullable=True),
    Column("reason", Text, nullable=False),
    Column("owner", String(200), nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("ends_at", DateTime, nullable=True),
    Column("ended_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# --- breach register (art. 33/34) and the audit trail's signed anchor (revision 0012) ---------

breaches = Table(
    "breaches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),
    Column("natures", String(100), nullable=False),  # comma-separated: confidentiality,integrity,availability
    Column("origin", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("data_categories", Text, nullable=False),  # JSON list
    Column("subject_categories", Text, nullable=False),  # JSON list
    Column("approx_subjects", Integer, nullable=False),
    Column("approx_records", Integer, nullable=False),
    Column("consequences", Text, nullable=False),
    Column("measures", Text, nullable=False),
    Column("occurred_at", DateTime, nullable=True),
    Column("ended_at", DateTime, nullable=True),
    Column("became_known_at", DateTime, nullable=False),
    Column("risk", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("resolved_at", DateTime, nullable=True),
    Column("authority_notified_at", DateTime, nullable=True),
    Column("authority_reference", String(200), nullable=True),
    Column("delay_reasons", Text, nullable=True),
    Column("people_told_at", DateTime, nullable=True),
    Column("people_told_how", Text, nullable=True),
    Column("people_exemption", Text, nullable=True),
    Column("hold_id", Integer, nullable=True),  # the security_incident hold placed while it is open
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(200), nullable=False),
)

audit_anchor = Table(
    "audit_anchor",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),  # the last event purged
    Column("hash", String(64), nullable=False),
    Column("cutoff", DateTime, nullable=False),
    Column("purged_at", DateTime, nullable=False),
    Column("signature", String(100), nullable=False),
)

# --- staff accounts, console sessions, API keys (revision 0010) ---

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(100), nullable=False, unique=True),  # normalised: lower case
    Column("role", String(20), nullable=False),  # admin | dpo | agent | auditor
    Column("password_hash", String(300), nullable=False),  # argon2id, with its parameters and salt
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
    Column("last_sign_in_at", DateTime, nullable=True),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),  # as typed (normalised), known or not: the lockout counts both
    Column("at", DateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_sign_in_attempts_username_at", "username", "at"),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's token; the token is never stored
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # absolute end; idle expiry is computed from last_seen_at
    Column("ended_at", DateTime, nullable=True),
    Index("ix_console_sessions_account_id", "account_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("prefix", String(20), nullable=False, unique=True),  # shown in lists and in the key itself
    Column("secret_sha256", String(64), nullable=False),  # the key is 256 random bits: SHA-256 suffices
    Column("name", String(200), nullable=False),
    Column("scopes", String(300), nullable=False),  # space-separated names of domain.accounts.API_SCOPES
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

# --- the public forms' rate limits, shared by every process on the store (0015) ---

rate_limit_windows = Table(
    "rate_limit_windows",
    metadata,
    Column("key_sha256", String(64), primary_key=True),  # HMAC-SHA256 of the form and the client's address
    Column("window_start", DateTime, primary_key=True),  # a fixed window: whole periods of the limit since 1970
    Column("hits", Integer, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # the window's end: purged after it
    Index("ix_rate_limit_windows_expires_at", "expires_at"),
)
