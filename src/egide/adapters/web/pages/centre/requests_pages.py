"""A person's request through the centre: the form per right, the code, the secret page, the files.

The secret link is ``/centre/requests/{reference}?token=...``: the token (256 bits) is shown once,
after the form, and stored only as its SHA-256. A wrong token, a guessed reference and an unknown
one all answer the same 404 page. Forms carry the token in a hidden field, never in a Referer.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from egide.adapters.notifications import request_desk
from egide.adapters.web.pages.centre.common import (
    PRIVATE,
    active_register,
    available_for,
    egide,
    error_page,
    guard,
    limiter,
    client_address,
    requests_dir,
)
from egide.adapters.web.pages.centre.home import rights_offered
from egide.adapters.web.pages.centre.preferences_pages import purpose_label
from egide.adapters.web.pages.security import csrf_protected
from egide.adapters.web.pages.templating import language, render
from egide.domain.consent import truncate_ip
from egide.domain.errors import ConflictError, EgideError, NotFoundError
from egide.domain.requests import Channel
from egide.services import request_identity, request_status, requests
from egide.services.privacy_centre import (
    centre_proof,
    centre_request,
    open_request_file,
    preferences,
    verified_subject,
    withdraw_preference,
)

router = APIRouter(prefix="/centre", include_in_schema=False, dependencies=[Depends(csrf_protected)])
ACTOR = "data_subject:centre"
MAX_FIELD = 20_000


def _link(reference: str, token: str, **extra: str) -> str:
    query = "&".join(f"{k}={quote(v)}" for k, v in {"token": token, **extra}.items())
    return f"/centre/requests/{quote(reference)}?{query}"


def _right(request: Request, right: str) -> dict[str, str]:
    active = active_register(egide(request))
    for offered in rights_offered(active, language(request)):
        if offered["key"] == right:
            return offered
    raise NotFoundError(f"the register offers no request form for {right!r}")


@router.get("/requests/new/{right}", response_class=HTMLResponse)
def request_form_page(request: Request, right: str) -> HTMLResponse:
    try:
        chosen = _right(request, right)
    except NotFoundError as error:
        return error_page(request, error)
    return render(request, "centre/request_form.html", {"right": chosen, "values": {}, "error": None})


@router.post("/requests/new/{right}", response_class=HTMLResponse)
async def submit_request_page(request: Request, right: str) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:MAX_FIELD] for k in ("email", "name", "text")}
    try:
        chosen = _right(request, right)
    except NotFoundError as error:
        return error_page(request, error)
    app = egide(request)
    try:
        guard(request, form, "request")
        token, token_sha256 = request_status.new_status_token()
        change = requests.submit_request(request_desk(app, actor=ACTOR), right=right, email=values["email"],
                                         name=values["name"] or None, text=values["text"] or None,
                                         language=language(request), channel=Channel.form,
                                         status_token_sha256=token_sha256)
    except EgideError as error:
        return error_page(request, error, template="centre/request_form.html",
                          context={"right": chosen, "values": values})
    return RedirectResponse(_link(change.request.reference, token, new="1"), status_code=303, headers=PRIVATE)


@router.get("/requests/{reference}", response_class=HTMLResponse)
def request_page(request: Request, reference: str,
                 token: str = Query("", max_length=200), new: str = "", done: str = "") -> Response:
    app = egide(request)
    try:
        limiter(request).hit("status", client_address(request))
        view = centre_request(request_desk(app, actor=ACTOR), reference, token, requests_dir(app), available_for(app))
    except EgideError as error:
        return error_page(request, error)
    link = str(request.base_url).rstrip("/") + _link(reference, token)
    return render(request, "centre/request.html", {"view": view, "token": token, "new": bool(new),
                                                   "done": done, "link": link, "error": None,
                                                   "consents": _consents(request, reference, token)},
                  headers=PRIVATE)


def _consents(request: Request, reference: str, token: str) -> list[dict[str, object]] | None:
    """The verified requester's own consents (by their identity, not this browser), or None."""
    app = egide(request)
    subject_id = verified_subject(request_desk(app, actor=ACTOR), reference, token)
    if subject_id is None:
        return None
    lang = language(request)
    return [{"purpose": p.purpose, "label": purpose_label(p.purpose, lang), "status": p.status, "since": p.since,
             "expires_at": p.expires_at, "withdrawable": p.withdrawable}
            for p in preferences(app.store, active_register(app), subject_id=subject_id) if p.status != "none"]


@router.post("/requests/{reference}/consents/withdraw", response_class=HTMLResponse)
async def withdraw_subject_consent_page(request: Request, reference: str) -> Response:
    """One click: withdraw one consent the verified requester gave (the decision point follows at once)."""
    form = await request.form()
    token = str(form.get("token", ""))[:200]
    purpose = str(form.get("purpose", ""))[:100]
    app = egide(request)
    try:
        desk = _checked(request, form, reference, token, "consent")
        subject_id = verified_subject(desk, reference, token)
        if subject_id is None:
            raise ConflictError("confirm your identity with the emailed code first")
        active = active_register(app)
        client = request.client.host if request.client else None
        proof = centre_proof(active, truncate_ip(client), request.headers.get("user-agent"), language(request))
        withdraw_preference(app.store, active, None, purpose, proof, on_change=app.decisions.invalidate,
                            subject_id=subject_id)
    except NotFoundError as error:
        return error_page(request, error)
    except EgideError as error:
        return _request_error(request, reference, token, error)
    return RedirectResponse(_link(reference, token, done="withdrawn"), status_code=303, headers=PRIVATE)


def _checked(request: Request, form, reference: str, token: str, limit: str):  # type: ignore[no-untyped-def]
    """The rate limit of this form, then the status token: the request's desk, for its owner only."""
    guard(request, form, limit)
    desk = request_desk(egide(request), actor=ACTOR)
    request_status.check_status_token(desk, reference, token)
    return desk


@router.post("/requests/{reference}/verification", response_class=HTMLResponse)
async def verify_code_page(request: Request, reference: str) -> Response:
    form = await request.form()
    token = str(form.get("token", ""))[:200]
    try:
        desk = _checked(request, form, reference, token, "code")
        request_identity.verify_code(desk, reference, str(form.get("code", ""))[:20])
    except NotFoundError as error:
        return error_page(request, error)
    except EgideError as error:
        return _request_error(request, reference, token, error)
    return RedirectResponse(_link(reference, token, done="verified"), status_code=303, headers=PRIVATE)


@router.post("/requests/{reference}/code", response_class=HTMLResponse)
async def new_code_page(request: Request, reference: str) -> Response:
    form = await request.form()
    token = str(form.get("token", ""))[:200]
    try:
        desk = _checked(request, form, reference, token, "new_code")
        request_identity.send_verification_code(desk, reference)
    except NotFoundError as error:
        return error_page(request, error)
    except EgideError as error:
        return _request_error(request, reference, token, error)
    return RedirectResponse(_link(reference, token, done="code_sent"), status_code=303, headers=PRIVATE)


def _request_error(request: Request, reference: str, token: str, error: EgideError) -> Response:
    """The request's page again with the error shown (the token was checked before anything else)."""
    app = egide(request)
    try:
        view = centre_request(request_desk(app, actor=ACTOR), reference, token, requests_dir(app), available_for(app))
    except EgideError as hidden:
        return error_page(request, hidden)
    return error_page(request, error, template="centre/request.html",
                      context={"view": view, "token": token, "new": False, "done": "",
                               "link": _link(reference, token), "consents": _consents(request, reference, token)})


@router.get("/requests/{reference}/files/{dataset}/{name}")
def request_file_download(request: Request, reference: str, dataset: str, name: str,
                          token: str = Query("", max_length=200)) -> Response:
    app = egide(request)
    try:
        limiter(request).hit("status", client_address(request))
        found, content = open_request_file(request_desk(app, actor=ACTOR), reference, token, f"{dataset}/{name}",
                                           requests_dir(app), available_for(app))
    except EgideError as error:
        return error_page(request, error)
    disposition = "inline" if found.extension == "html" else "attachment"
    headers = {**PRIVATE, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
               "X-Content-Type-Options": "nosniff"}
    # sealed at rest: opened with the person's key a chunk at a time as it is sent
    headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    headers["Content-Length"] = str(found.size)
    return StreamingResponse(content, media_type=found.media_type, headers=headers)

