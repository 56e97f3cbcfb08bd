"""Egide's settings: one class, read once by the bootstrap and passed down.

Sources, strongest first: arguments given by the caller, ``EGIDE_*`` environment variables,
an ``egide.toml`` file (the path in ``EGIDE_CONFIG``, else ``./egide.toml`` when present),
then the defaults below, which work with no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource


def _toml_file() -> Path | None:
    explicit = os.environ.get("EGIDE_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("egide.toml")
    return local if local.exists() else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EGIDE_", extra="forbid", frozen=True)

    data_dir: Path = Field(
        Path(".egide"),
        description="Directory for the embedded store (egide.db) and the key files. Created by `egide init`.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the store. Default: SQLite file egide.db in data_dir. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname.",
    )
    encryption_key: SecretStr | None = Field(
        None,
        description="Base64 of 32 bytes: the AES-256-GCM key that encrypts identifiers at rest. "
        "Default: the file keys/encryption.key in data_dir, created by `egide init`. Never stored in the database.",
    )
    master_key: SecretStr | None = Field(
        None,
        description="Base64 of 32 bytes: the master key that wraps each person's own key (erasure destroys "
        "that key). Default: the file keys/master.key in data_dir if present, else the encryption key. "
        "Rotate it with `egide keys rotate`. Never stored in the database.",
    )
    lookup_key: SecretStr | None = Field(
        None,
        description="Base64 of 32 bytes: the HMAC-SHA256 key for identifier lookups. "
        "Default: the file keys/lookup.key in data_dir, created by `egide init`. Never stored in the database.",
    )
    signing_key: SecretStr | None = Field(
        None,
        description="Base64 of 32 bytes: the HMAC key that signs links sent to people (one-click unsubscribe). "
        "Default: the file keys/signing.key in data_dir, created by `egide init`.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people reach Egide at: unsubscribe links and the banner's endpoints are built on it.",
    )
    api_token: SecretStr | None = Field(
        None,
        description="When set, the decision and list endpoints of the HTTP API require `Authorization: Bearer <token>`. "
        "Unset: they answer on the address `egide serve` binds (loopback by default).",
    )
    banner_origins: list[str] = Field(
        default_factory=list,
        description="Sites on other origins that embed banner.js and post choices to Egide (CORS), as a JSON list: "
        '["https://shop.example.com"]. Empty: only pages served by Egide itself.',
    )
    datasets: list[Path] = Field(
        default_factory=list,
        description="Dataset files (the company's databases, annotated) that requests run on, as a JSON list of paths.",
    )
    decision_cache_seconds: float = Field(
        5.0, description="How long a decision for 'now' is reused; writes in the same process invalidate at once.")
    actor: str = Field(
        default_factory=lambda: f"cli:{os.environ.get('USER') or os.environ.get('USERNAME') or 'unknown'}",
        description="Who the CLI acts as, written in every audit event it causes.",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server that emails notices to people about their requests. Unset: notices are "
        "written as .eml files to outbox_dir instead.")
    smtp_port: int = Field(587, description="Port of the SMTP server.")
    smtp_from: str | None = Field(
        None, description="Sender address of notices. Default: the active register's controller email, else "
        "privacy@localhost.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS (certificate checked).")
    smtp_username: str | None = Field(None, description="SMTP login, when the server asks for one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password. No default; never logged.")
    outbox_dir: Path | None = Field(
        None, description="Folder where notices are written as .eml files (one per message, readable with any mail "
        "program) when smtp_host is unset. Default: outbox/ in data_dir.")
    sql_echo: bool = Field(False, description="Log every SQL statement (debugging).")
    job_runner: Literal["inprocess", "procrastinate"] = Field(
        "inprocess", description="Who runs queued jobs (requests run with `--queue`, daily jobs): `inprocess` = "
        "`egide serve` in a background thread, the store's `jobs` table as the queue (any store); `procrastinate` "
        "= `egide worker` processes on PostgreSQL (the store must be PostgreSQL).")
    jobs_daily_at: str = Field(
        "03:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Time of day (HH:MM, UTC) the daily jobs run (e.g. retention).")
    export_available_days: int = Field(
        7, ge=1, le=90, description="How long a request's access report and export stay downloadable from the "
        "privacy centre after the answer, in days; then the daily job `privacy_centre.purge_exports` deletes them.")
    jobs_poll_seconds: float = Field(
        2.0, gt=0, le=3600, description="How often the in-process runner looks for queued jobs, in seconds.")
    console_session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A console session ends after this many minutes without a page seen.")
    console_session_hours: int = Field(
        12, ge=1, le=7 * 24, description="A console session ends this many hours after sign-in, active or not.")
    sign_in_lockout_attempts: int = Field(
        5, ge=3, le=100, description="Consecutive failed sign-ins that lock an account name (CNIL 2022).")
    sign_in_lockout_minutes: int = Field(
        15, ge=1, le=24 * 60, description="How long an account name stays locked after its last failed sign-in.")
    breach_authority_deadline_hours: int = Field(
        72, gt=0, le=720,
        description="Hours from the moment a personal data breach became known to notify the supervisory "
                    "authority (GDPR art. 33(1): 72).")
    breach_high_risk_categories: list[str] = Field(
        ["national_identifier", "identity_document", "credentials", "economic_financial", "health", "biometric",
         "genetic", "racial_or_ethnic_origin", "political_opinions", "religious_beliefs", "trade_union_membership",
         "sex_life_or_orientation", "criminal_offences"],
        description="Data categories whose breach is presumed a high risk: the people must be told (art. 34) "
                    "unless an art. 34(3) exemption is recorded. See docs/breaches.md for the categories.")
    breach_high_risk_people: int | None = Field(
        None, ge=1,
        description="Number of people from which a breach is presumed a high risk (art. 34); unset: no number "
                    "makes the risk high by itself.")
    audit_retention_months: int = Field(
        12, ge=6, le=12,
        description="Months the audit trail is kept (6 to 12, the CNIL's logging recommendation); "
                    "the daily job `audit.purge` (or `egide audit purge`) deletes older events and keeps a "
                    "signed anchor.")
    answer_approval_required: bool = Field(
        False, description="Hold every answer a run writes until the DPO approves it (status "
        "`awaiting_approval`: nothing is sent, the legal clock keeps running); the console's approve button "
        "or `egide request approve REF` sends it. Off: a run answers at once and an approval is a sign-off.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml = _toml_file()
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'egide.db').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"


def describe_settings() -> list[dict[str, Any]]:
    """Every setting with its variable and description, for docs/configuration.md."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default if field.default_factory is None else "(computed)"
        rows.append({"name": name, "env": f"EGIDE_{name.upper()}", "default": default,
                     "description": field.description or ""})
    return rows
