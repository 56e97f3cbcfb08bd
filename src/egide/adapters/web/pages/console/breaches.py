"""The breach register in the console (GDPR art. 33/34): the list with the authority's clock, a
breach's page with its obligations and actions, the CNIL export. Thin over ``services/breaches``."""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from egide.adapters.cli.retention_commands import parse_instant
from egide.adapters.web.pages.console.common import acting, done, egide_app, page
from egide.adapters.web.pages.security import Staff, require
from egide.domain.audit import AuditEvent
from egide.domain.breaches import DATA_CATEGORIES, SUBJECT_CATEGORIES, Nature, Origin, Risk, Status, obligations
from egide.domain.errors import InvalidInputError, Problem
from egide.services import breaches as service
from egide.services.breach_export import cnil_csv, cnil_json

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("breaches.read"))]
Writer = Annotated[Staff, Depends(require("breaches.write"))]
Line = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=5000)]
Choices = Annotated[list[str], Form()]


def _count(text: str, path: str) -> int:
    try:
        return int(text.strip() or "0")
    except ValueError:
        raise InvalidInputError(f"{path} {text!r} is not a number", problems=[
            Problem("a whole number (an approximation is fine)", path=path)]) from None


def _list_page(request: Request, error: str | None = None, status_code: int = 200, form: Any = None) -> Response:
    app = egide_app(request)
    rules, now = service.breach_rules(app.settings), app.store.clock.now()
    rows = [(b, obligations(b, rules, now)) for b in service.list_breaches(app.store)]
    return page(request, "console/breaches/list.html", {
        "rows": rows, "error": error, "natures": list(Nature), "origins": list(Origin), "risks": list(Risk),
        "data_categories": DATA_CATEGORIES, "subject_categories": SUBJECT_CATEGORIES, "form": form or {},
        "deadline_hours": rules.authority_deadline_hours}, status_code=status_code)


def _breach_page(request: Request, reference: str, error: str | None = None, status_code: int = 200) -> Response:
    app = egide_app(request)
    breach = service.get_breach(app.store, reference)
    rules, now = service.breach_rules(app.settings), app.store.clock.now()
    return page(request, "console/breaches/breach.html", {
        "breach": breach, "due": obligations(breach, rules, now), "error": error,
        "open": breach.status is Status.open}, status_code=status_code)


@router.get("/breaches")
def breaches_page(request: Request, staff: Reader) -> Response:
    return _list_page(request)


@router.post("/breaches")
def record_breach_action(request: Request, staff: Writer, natures: Choices = [],  # noqa: B006
                         data_categories: Choices = [], subject_categories: Choices = [],  # noqa: B006
                         origin: Line = "unknown", description: Text = "", people: Line = "", records: Line = "",
                         consequences: Text = "", measures: Text = "", known_at: Line = "", started_at: Line = "",
                         ended_at: Line = "", risk: Line = "risk", hold_logs: Line = "") -> Response:
    form = {"natures": natures, "data_categories": data_categories, "subject_categories": subject_categories,
            "origin": origin, "description": description, "people": people, "records": records,
            "consequences": consequences, "measures": measures, "known_at": known_at, "risk": risk}

    def change() -> Response:
        app = egide_app(request)
        now = app.store.clock.now()
        breach = service.new_breach(
            natures=natures, origin=origin, description=description, data_categories=data_categories,
            subject_categories=subject_categories, approx_subjects=_count(people, "people"),
            approx_records=_count(records, "records"), consequences=consequences, measures=measures,
            became_known_at=parse_instant(known_at or None, "known_at") or now, risk=risk, recorded_at=now,
            recorded_by=staff.actor, occurred_at=parse_instant(started_at or None, "started_at"),
            ended_at=parse_instant(ended_at or None, "ended_at"))
        stored = service.record_breach(app.store, breach, hold_logs=bool(hold_logs), actor=staff.actor)
        return done(f"/console/breaches/{stored.reference}", done="recorded")
    return acting(request, change, lambda words, status: _list_page(request, words, status, form))


@router.get("/breaches/{reference}")
def breach_page(request: Request, staff: Reader, reference: str) -> Response:
    return acting(request, lambda: _breach_page(request, reference),
                  lambda words, status: _list_page(request, words, status))


def _act(request: Request, reference: str, action: Callable[[Any], Any]) -> Response:
    def change() -> Response:
        action(egide_app(request))
        return done(f"/console/breaches/{reference}", done="ok")
    return acting(request, change, lambda words, status: _breach_page(request, reference, words, status))


@router.post("/breaches/{reference}/notify")
def notify_action(request: Request, staff: Writer, reference: str, at: Line = "", authority_reference: Line = "",
                  delay_reasons: Text = "") -> Response:
    return _act(request, reference, lambda app: service.notify_authority(
        app.store, reference, service.breach_rules(app.settings), at=parse_instant(at or None, "at"),
        authority_reference=authority_reference or None, delay_reasons=delay_reasons or None, actor=staff.actor))


@router.post("/breaches/{reference}/told")
def told_action(request: Request, staff: Writer, reference: str, how: Line = "", at: Line = "") -> Response:
    return _act(request, reference, lambda app: service.record_people_told(
        app.store, reference, how=how, at=parse_instant(at or None, "at"), actor=staff.actor))


@router.post("/breaches/{reference}/exempt")
def exempt_action(request: Request, staff: Writer, reference: str, reason: Text = "") -> Response:
    return _act(request, reference, lambda app: service.record_people_exemption(
        app.store, reference, reason, staff.actor))


@router.post("/breaches/{reference}/hold")
def hold_action(request: Request, staff: Writer, reference: str) -> Response:
    return _act(request, reference, lambda app: service.hold_logs(app.store, reference, staff.actor))


@router.post("/breaches/{reference}/resolve")
def resolve_action(request: Request, staff: Writer, reference: str) -> Response:
    return _act(request, reference, lambda app: service.resolve_breach(app.store, reference, staff.actor))


@router.get("/breaches/{reference}/cnil.{fmt}")
def export_download(request: Request, staff: Reader, reference: str, fmt: str) -> Response:
    """The CNIL form's fields as JSON or CSV; the download is audited (who took which breach's file)."""
    def download() -> Response:
        if fmt not in ("json", "csv"):
            raise InvalidInputError(f"unknown export format {fmt!r}", problems=[Problem("json or csv", path="fmt")])
        app = egide_app(request)
        breach = service.get_breach(app.store, reference)
        active = app.registers.get()
        controller = active.loaded.register.controller.name if active is not None else ""
        render = cnil_json if fmt == "json" else cnil_csv
        body = render(breach, service.breach_rules(app.settings), app.store.clock.now(), controller)
        with app.store.unit_of_work() as uow:
            uow.audit.record(AuditEvent("breach.exported", staff.actor, "breach", breach.reference, {"format": fmt}))
        media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="{breach.reference}-cnil.{fmt}"'})
    return acting(request, download, lambda words, status: _list_page(request, words, status))
