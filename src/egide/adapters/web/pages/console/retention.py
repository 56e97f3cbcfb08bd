"""Retention: the plan at a date (counts per rule and table, never rows), past runs and their
summaries, legal holds placed and ended. Thin over ``services/retention``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from egide.adapters.cli.retention_commands import parse_instant
from egide.adapters.connectors.company import close_databases, open_databases
from egide.adapters.web.pages.console.common import acting, done, egide_app, page
from egide.adapters.web.pages.security import Staff, require
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.domain.retention import HoldScope
from egide.services.retention import add_hold, end_hold, list_holds, list_runs, load_run, plan_retention

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("retention.read"))]
Holder = Annotated[Staff, Depends(require("retention.holds"))]
Field = Annotated[str, Form(max_length=500)]


def _plan(app: Any, at: str | None) -> Any:
    active = app.registers.get()
    files = [Path(f) for f in app.settings.datasets]
    if active is None or not files:
        return None
    databases = open_databases(files, active.loaded.register, None, None)
    try:
        return plan_retention(app.store, active.loaded.register, databases, parse_instant(at or None, "at"))
    finally:
        close_databases(databases)


def _retention_page(request: Request, at: str | None = None, run: str | None = None, error: str | None = None,
                    status_code: int = 200) -> Response:
    app = egide_app(request)
    plan = None
    if error is None:
        plan = _plan(app, at)
    return page(request, "console/retention.html", {
        "plan": plan, "at": at or "", "runs": list_runs(app.store), "run": load_run(app.store, run) if run else None,
        "holds": list_holds(app.store), "scopes": list(HoldScope), "error": error}, status_code=status_code)


@router.get("/retention")
def retention_page(request: Request, staff: Reader, at: str | None = None, run: str | None = None) -> Response:
    return acting(request, lambda: _retention_page(request, at, run),
                  lambda words, status: _retention_page(request, error=words, status_code=status))


@router.post("/retention/holds")
def place_hold_action(request: Request, staff: Holder, scope: Field = "", reason: Annotated[str, Form(max_length=2000)] = "",
                      owner: Field = "", dataset: Field = "", table: Field = "", event: Field = "", email: Field = "",
                      ends: Field = "") -> Response:
    def change() -> Response:
        try:
            kind = HoldScope(scope)
        except ValueError:
            raise InvalidInputError(f"unknown hold scope {scope!r}", problems=[
                Problem(f"one of {', '.join(s.value for s in HoldScope)}", path="scope")]) from None
        identifier = Identifier.of("email", email) if email.strip() else None
        add_hold(egide_app(request).store, scope=kind, reason=reason, owner=owner or staff.username,
                 ends_at=parse_instant(ends or None, "ends"), dataset=dataset or None, table=table or None,
                 identifier=identifier, event=event or None, actor=staff.actor)
        return done("/console/retention", done="hold")
    return acting(request, change, lambda words, status: _retention_page(request, error=words, status_code=status))


@router.post("/retention/holds/{hold_id}/end")
def end_hold_action(request: Request, staff: Holder, hold_id: int) -> Response:
    def change() -> Response:
        end_hold(egide_app(request).store, hold_id, actor=staff.actor)
        return done("/console/retention", done="end")
    return acting(request, change, lambda words, status: _retention_page(request, error=words, status_code=status))
