"""Marketing opt-outs over HTTP: RFC 8058 one-click unsubscribe, objections, restrictions, list checks."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from egide.adapters.http.dependencies import egide, require_token
from egide.bootstrap import App
from egide.domain.identity import Identifier
from egide.services.marketing import check_subscriber_import, object_to_marketing, unsubscribe, unsubscribe_link
from egide.services.subjects import record_objection, restrict_processing

router = APIRouter(tags=["marketing"])
api = [Depends(require_token)]


@router.get("/api/v1/marketing/unsubscribe-link", dependencies=api)
def get_unsubscribe_link(app: Annotated[App, Depends(egide)], email: Annotated[str, Query(max_length=320)],
                         purpose: Annotated[str, Query(max_length=200)] = "marketing.communications.email",
                         channel: str = "email") -> dict:
    """The link and the List-Unsubscribe / List-Unsubscribe-Post header values for one message."""
    return unsubscribe_link(app.store, Identifier.of("email", email), purpose, channel, app.settings.public_url)


_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{text}</p>{form}</main></body></html>"""


@router.get("/u/{token}", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_page(token: str) -> HTMLResponse:
    """A page with one button (a GET must not unsubscribe: link scanners follow links)."""
    form = (f'<form method="post" action="/u/{html.escape(token)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit">Me désinscrire / Unsubscribe</button></form>')
    return HTMLResponse(_PAGE.format(title="Désinscription", form=form,
                                     text="Confirmez pour ne plus recevoir ces messages. / Confirm to stop these messages."))


@router.post("/u/{token}", include_in_schema=False)
async def unsubscribe_one_click(token: str, request: Request) -> HTMLResponse:
    """RFC 8058: a POST with List-Unsubscribe=One-Click, no login, no cookie needed."""
    app: App = request.app.state.egide
    await request.body()
    unsubscribe(app.store, token, on_change=app.decisions.invalidate)
    app.decisions.invalidate()
    return HTMLResponse(_PAGE.format(title="Désinscription confirmée", form="",
                                     text="Vous ne recevrez plus ces messages. / You will not receive these messages."))


class ObjectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    purpose: str = Field("marketing", max_length=200)
    channel: str = Field("all", max_length=10)


@router.post("/api/v1/objections", status_code=201, dependencies=api)
def post_objection(body: ObjectionRequest, app: Annotated[App, Depends(egide)]) -> dict:
    """Direct marketing: honoured at once (art. 21(3)); another purpose: upheld until a DPO decides."""
    identifier = Identifier.of("email", body.email)
    if body.purpose == "marketing" or body.purpose.startswith("marketing."):
        added = object_to_marketing(app.store, identifier, body.channel, "api", "api", app.decisions.invalidate)
        app.decisions.invalidate()
        return {"opposition_list": True, "added": added}
    objection_id = record_objection(app.store, identifier, body.purpose, "api")
    app.decisions.invalidate()
    return {"objection_id": objection_id}


class RestrictionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    reason: str = Field(min_length=3, max_length=500)
    purposes: list[str] = Field(default_factory=list, max_length=50)


@router.post("/api/v1/restrictions", status_code=201, dependencies=api)
def post_restriction(body: RestrictionRequest, app: Annotated[App, Depends(egide)]) -> dict:
    restriction_id = restrict_processing(app.store, Identifier.of("email", body.email), body.reason, body.purposes, "api")
    app.decisions.invalidate()
    return {"restriction_id": restriction_id}


@router.post("/api/v1/marketing/import-check", dependencies=api)
async def post_import_check(request: Request, channel: str = "email") -> dict:
    """Check a subscriber CSV (with an `email` column) against the opposition and suppression lists."""
    app: App = request.app.state.egide
    report = check_subscriber_import(app.store, (await request.body()).decode("utf-8", errors="replace"), channel)
    return {"accepted": len(report.accepted), "refused": [{"line": n, "email": e, "reason": r} for n, e, r in report.refused],
            "invalid": [{"line": n, "error": e} for n, e in report.invalid]}
