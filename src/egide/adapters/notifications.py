"""Notices to people about their requests: rendered from Jinja2 templates in French and English,
delivered by SMTP, or written as .eml files to an outbox folder a person can open with any mail
program (the default when no SMTP server is configured, and the demo's).

A template's first line is the subject, the rest (after one blank line) the plain-text body.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from datetime import date, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from egide.adapters.connectors.webhook import WebhookClient
from egide.domain.errors import ConfigurationError
from egide.domain.notices import DeliveryError, NoticeKind, OutgoingNotice
from egide.services.request_desk import RequestDesk
from egide.services.requests import request_policy
from egide.settings import Settings

if TYPE_CHECKING:
    from egide.bootstrap import App

TEMPLATES = Path(__file__).parent / "notification_templates"
LANGUAGES = ("fr", "en")

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}

RIGHT_LABELS = {
    "fr": {"access": "droit d'accès", "rectification": "droit de rectification", "erasure": "droit à l'effacement",
           "restriction": "droit à la limitation du traitement", "portability": "droit à la portabilité",
           "objection": "droit d'opposition", "human_review": "droit d'obtenir une intervention humaine",
           "withdraw_consent": "retrait du consentement"},
    "en": {"access": "right of access", "rectification": "right to rectification", "erasure": "right to erasure",
           "restriction": "right to restriction of processing", "portability": "right to data portability",
           "objection": "right to object", "human_review": "right to obtain human intervention",
           "withdraw_consent": "withdrawal of consent"},
}

GROUND_LABELS = {
    "fr": {"manifestly_unfounded": "la demande est manifestement infondée (art. 12(5) du RGPD)",
           "excessive": "la demande est excessive, notamment par son caractère répétitif (art. 12(5) du RGPD)",
           "identity_not_established": "votre identité n'a pas pu être établie (art. 11(2) et 12(6) du RGPD)"},
    "en": {"manifestly_unfounded": "the request is manifestly unfounded (GDPR art. 12(5))",
           "excessive": "the request is excessive, in particular because of its repetitive character (GDPR art. 12(5))",
           "identity_not_established": "your identity could not be established (GDPR art. 11(2) and 12(6))"},
}


def long_date(value: date | None, language: str) -> str:
    if value is None:
        return ""
    if language == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {_MONTHS['fr'][value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS['en'][value.month - 1]} {value.year}"


class NoticeTemplates:
    """Renders ``{language}/{kind}.txt.j2``; every variable must be given (StrictUndefined)."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self._env = Environment(loader=FileSystemLoader(str(directory)), undefined=StrictUndefined,
                                autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)

    def render(self, kind: NoticeKind, language: str, context: dict[str, Any]) -> tuple[str, str]:
        language = language if language in LANGUAGES else "en"
        values = dict(context)
        for key in ("received_on", "due_on", "previous_due_on", "lift_on"):
            values[key] = long_date(context.get(key), language)
        values["right_label"] = RIGHT_LABELS[language].get(str(context.get("right")), str(context.get("right")))
        values["ground_label"] = GROUND_LABELS[language].get(str(context.get("ground")), "")
        try:
            text = self._env.get_template(f"{language}/{kind.value}.txt.j2").render(**values)
        except TemplateError as exc:
            raise ConfigurationError(f"the notice template {language}/{kind.value}.txt.j2 failed: {exc}") from exc
        subject, _, body = text.partition("\n")
        return subject.strip(), body.lstrip("\n")


def email_message(notice: OutgoingNotice, sender: str, readable: bool = False) -> EmailMessage:
    """The notice as an email; ``readable`` keeps the UTF-8 body as is (8bit) for files a person opens."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.to
    message["Subject"] = notice.subject
    created = notice.created_at if notice.created_at.tzinfo else notice.created_at.replace(tzinfo=timezone.utc)
    message["Date"] = format_datetime(created)
    message["Message-ID"] = make_msgid(idstring=notice.id.replace("-", ""), domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Egide-Reference"] = notice.reference
    message["X-Egide-Notice"] = notice.kind.value
    message.set_content(notice.body, cte="8bit" if readable else "quoted-printable")
    return message


class SmtpNotifier:
    name = "smtp"

    def __init__(self, host: str, port: int, sender: str, *, starttls: bool = True, username: str | None = None,
                 password: str | None = None, timeout: float = 15.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._starttls, self._username, self._password, self._timeout = starttls, username, password, timeout

    def send(self, notice: OutgoingNotice) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(email_message(notice, self.sender))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"the SMTP server {self.host}:{self.port} did not take the notice: {exc}") from exc


class OutboxNotifier:
    """Writes each notice as an .eml file (mode 0600) in a folder a person can read."""

    name = "outbox"

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory, self.sender = directory, sender

    def path_for(self, notice: OutgoingNotice) -> Path:
        stamp = f"{notice.created_at:%Y%m%dT%H%M%S}"
        return self.directory / f"{stamp}-{notice.reference}-{notice.kind.value}-{notice.id[:8]}.eml"

    def send(self, notice: OutgoingNotice) -> None:
        path = self.path_for(notice)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(email_message(notice, self.sender, readable=True).as_bytes())
        except OSError as exc:
            raise DeliveryError(f"could not write the notice to {path}: {exc}") from exc


def build_notifier(settings: Settings, sender: str | None = None) -> SmtpNotifier | OutboxNotifier:
    """SMTP when ``smtp_host`` is set, else the outbox folder (``outbox_dir``, default data_dir/outbox)."""
    sender = settings.smtp_from or sender or "privacy@localhost"
    if settings.smtp_host:
        return SmtpNotifier(settings.smtp_host, settings.smtp_port, sender, starttls=settings.smtp_starttls,
                            username=settings.smtp_username,
                            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None)
    return OutboxNotifier(settings.outbox_dir or settings.data_dir / "outbox", sender)


def request_desk(app: "App", actor: str | None = None) -> RequestDesk:
    """The desk for request use cases: the active register's policy, the templates, the keyring's code
    hash and the configured transport."""
    policy = request_policy(app.registers.get())
    return RequestDesk(store=app.store, renderer=NoticeTemplates(), code_hash=app.store.keyring.code_hash,
                       notifier=build_notifier(app.settings, sender=policy.contact_email), policy=policy,
                       webhooks=WebhookClient(), actor=actor or app.settings.actor,
                       answer_approval_required=app.settings.answer_approval_required)
