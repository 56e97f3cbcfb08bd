"""Retention over HTTP: the re-contact list for staff, and the keep-me / forget-me page a person
reaches from the notice (a signed link; a GET shows the choice, only a POST records it, since
link scanners follow links)."""

from __future__ import annotations

import html
import os
from urllib.parse import parse_qs
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from typing import Annotated, Any, Iterator

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from egide.adapters.http.dependencies import egide, require_token
from egide.bootstrap import App
from egide.domain.errors import ConfigurationError, InvalidInputError, Problem

router = APIRouter(tags=["retention"])
api = [Depends(require_token)]


@contextmanager
def _databases(app: App, register: Any) -> Iterator[list[Any]]:
    """The company databases of EGIDE_DATASETS, their URLs from the datasets' variables."""
    from egide.adapters.connectors.sql import open_database
    from egide.datasets.loader import load_dataset
    from egide.services.request_runner import CompanyDatabase

    opened = []
    try:
        for file in app.settings.datasets:
            dataset = load_dataset(file, register=register).dataset
            url = os.environ.get(dataset.database_url_env) if dataset.database_url_env else None
            if not url:
                raise ConfigurationError(f"{file}: set {dataset.database_url_env or 'the database URL variable'}")
            opened.append(CompanyDatabase(dataset, open_database(url), None))
        yield opened
    finally:
        for database in opened:
            database.engine.dispose()


def _register(app: App) -> Any:
    active = app.registers.get()
    if active is None:
        raise ConfigurationError("no register is active")
    return active.loaded.register


def _at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"at={text!r} is not a date", problems=[Problem("e.g. 2026-01-31", path="at")]) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@router.get("/api/v1/retention/recontact", dependencies=api)
def get_recontact_list(app: Annotated[App, Depends(egide)], at: Annotated[str | None, Query(max_length=40)] = None,
                       rule: Annotated[str | None, Query(max_length=100)] = None) -> dict:
    """The people due for re-contact at ``at`` (a date or an instant; default now). Records nothing."""
    from egide.adapters.notifications import request_desk
    from egide.services.retention.recontact import due_for_recontact

    moment = _at(at)
    register = _register(app)
    with _databases(app, register) as databases:
        people = due_for_recontact(request_desk(app), register, databases, moment, rule)
    return {"at": (moment or app.store.clock.now()).isoformat(), "count": len(people),
            "people": [p.as_dict() for p in people]}


_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{text}</p>{form}</main></body></html>"""
_LABELS = {"keep": ("Garder mes données / Keep my data", "Nous gardons vos données. / We keep your data."),
           "forget": ("Effacer mes données / Erase my data",
                      "Votre demande d'effacement est enregistrée. / Your erasure request is recorded.")}


@router.get("/recontact/{token}", response_class=HTMLResponse, include_in_schema=False)
def recontact_page(token: str, app: Annotated[App, Depends(egide)],
                   answer: Annotated[str | None, Query(max_length=10)] = None) -> HTMLResponse:
    from egide.adapters.notifications import request_desk
    from egide.services.retention.recontact import contact_of_token

    contact = contact_of_token(request_desk(app), token)
    wanted = [answer] if answer in _LABELS else list(_LABELS)
    buttons = "".join(f'<button type="submit" name="answer" value="{a}">{html.escape(_LABELS[a][0])}</button>'
                      for a in wanted)
    form = f'<form method="post" action="/recontact/{html.escape(token)}">{buttons}</form>'
    return HTMLResponse(_PAGE.format(title=html.escape(contact.reference), form=form,
                                     text="Confirmez votre choix. / Confirm your choice."))


@router.post("/recontact/{token}", response_class=HTMLResponse, include_in_schema=False)
async def recontact_answer(token: str, request: Request) -> HTMLResponse:
    """The person's answer through the signed link (a form post: answer=keep or answer=forget)."""
    from starlette.concurrency import run_in_threadpool

    body = (await request.body()).decode("utf-8", errors="replace")
    answer = (parse_qs(body).get("answer") or [""])[0][:10]
    return await run_in_threadpool(_record_answer, request.app.state.egide, token, answer)


def _record_answer(app: App, token: str, answer: str) -> HTMLResponse:
    from egide.adapters.notifications import request_desk
    from egide.services.retention.recontact import answer_recontact, contact_of_token

    desk = request_desk(app)
    contact = contact_of_token(desk, token)
    register = _register(app)
    with _databases(app, register) as databases:
        answer_recontact(desk, contact.reference, answer, by="data_subject", through_link=True,
                         databases=databases, register=register)
    return HTMLResponse(_PAGE.format(title=html.escape(contact.reference), form="",
                                     text=html.escape(_LABELS.get(answer, ("", ""))[1])))
