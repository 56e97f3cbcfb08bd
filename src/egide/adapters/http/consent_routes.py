"""Consent ledger endpoints: the banner posts choices; the API records and reads them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from egide.adapters.http.dependencies import egide, require_token
from egide.bootstrap import App
from egide.domain.consent import ConsentChannel, ConsentProof, ConsentState, truncate_ip
from egide.domain.errors import ConfigurationError, InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.services.consent import consent_overview, record_choice

router = APIRouter(prefix="/api/v1", tags=["consent"])


class BannerChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    browser_id: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    choices: dict[str, bool] = Field(max_length=20, description="Cookie category -> accepted.")
    channel: ConsentChannel = ConsentChannel.banner
    language: str | None = Field(None, max_length=8)
    register_version: str = Field(min_length=64, max_length=64)
    banner_sha256: str | None = Field(None, max_length=64)
    notice_sha256: str | None = Field(None, max_length=64)
    idempotency_key: str | None = Field(None, max_length=150)
    closed: bool = False


class SubjectChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    choices: dict[str, bool] = Field(max_length=50, description="Purpose (data-use key or cookie:<category>) -> given.")
    channel: ConsentChannel = ConsentChannel.api
    language: str | None = Field(None, max_length=8)
    notice_sha256: str | None = Field(None, max_length=64)
    idempotency_key: str | None = Field(None, max_length=150)


def _active(app: App):  # type: ignore[no-untyped-def]
    active = app.registers.get()
    if active is None:
        raise ConfigurationError("no register is active")
    return active


def _proof(request: Request, register_version: str, **fields) -> ConsentProof:  # type: ignore[no-untyped-def]
    client = request.client.host if request.client else None
    return ConsentProof(register_version=register_version, ip_truncated=truncate_ip(client),
                        user_agent=request.headers.get("user-agent"), **fields)


def _state(state: ConsentState) -> dict[str, object]:
    event = state.decided_by
    return {"status": state.status.value, "since": event.at.isoformat() if event else None,
            "expires_at": state.expires_at.isoformat() if state.expires_at else None,
            "register_version": event.register_version if event else None, "event_id": event.id if event else None}


@router.post("/consents", status_code=201)
def post_banner_choice(choice: BannerChoice, request: Request, app: Annotated[App, Depends(egide)]) -> dict:
    """Record a choice made in the cookie banner (one ledger event per category)."""
    active = _active(app)
    if choice.register_version != active.sha256:
        raise InvalidInputError("the banner was built from another register version: reload it",
                                problems=[Problem("stale register_version", "register_version")])
    choices = {f"cookie:{category}": accepted for category, accepted in choice.choices.items()}
    if choice.closed:
        choices = {purpose: False for purpose in choices}
    proof = _proof(request, active.sha256, channel=choice.channel, banner_sha256=choice.banner_sha256,
                   notice_sha256=choice.notice_sha256, language=choice.language,
                   idempotency_key=choice.idempotency_key)
    result = record_choice(app.store, active, choices=choices, proof=proof, actor="data_subject:banner",
                           browser_id=choice.browser_id)
    return {"consent_id": result.choice_id, "recorded": len(result.events), "replayed": result.replayed}


@router.get("/consents/{browser_id}")
def get_banner_choices(browser_id: str, app: Annotated[App, Depends(egide)]) -> dict:
    active = _active(app)
    states = consent_overview(app.store, active, browser_ids=[browser_id])
    return {"browser_id": browser_id,
            "choices": {p: _state(s) for p, s in states.items() if p.startswith("cookie:")}}


@router.post("/subjects/consents", status_code=201, dependencies=[Depends(require_token)])
def post_subject_choice(choice: SubjectChoice, request: Request, app: Annotated[App, Depends(egide)]) -> dict:
    """Record an identified person's choices (form, phone, API, import), registering them if new."""
    from egide.services.subjects import find_or_register

    active = _active(app)
    subject = find_or_register(app.store, Identifier.of("email", choice.email), actor="api")
    proof = _proof(request, active.sha256, channel=choice.channel, notice_sha256=choice.notice_sha256,
                   language=choice.language, idempotency_key=choice.idempotency_key)
    result = record_choice(app.store, active, choices=choice.choices, proof=proof, actor="api",
                           subject_id=subject.id, on_change=app.decisions.invalidate)
    return {"consent_id": result.choice_id, "recorded": len(result.events), "replayed": result.replayed,
            "pending_actions": result.pending_actions}


@router.get("/subjects/consents", dependencies=[Depends(require_token)])
def get_subject_choices(email: str, app: Annotated[App, Depends(egide)]) -> dict:
    from egide.services.subjects import find_data_subjects

    active = _active(app)
    subjects = find_data_subjects(app.store, Identifier.of("email", email))
    states = consent_overview(app.store, active, subject_ids=[s.id for s in subjects])
    return {"choices": {p: _state(s) for p, s in states.items()}}


class BrowserLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    browser_id: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("/subjects/browser-links", status_code=201, dependencies=[Depends(require_token)])
def post_browser_link(body: BrowserLink, app: Annotated[App, Depends(egide)]) -> dict:
    """Link a banner's browser id to an identified person (at sign-in): its choices then count for them."""
    from egide.services.consent import link_browser
    from egide.services.subjects import find_or_register

    subject = find_or_register(app.store, Identifier.of("email", body.email), actor="api")
    linked = link_browser(app.store, body.browser_id, subject.id, "api", app.decisions.invalidate)
    return {"linked": linked}
