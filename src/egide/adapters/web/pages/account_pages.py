"""Signing in and out of the console, its fallback home page, and the admin's accounts page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from egide.adapters.web.pages.security import (
    Staff,
    clear_session_cookie,
    csrf_protected,
    current_staff,
    require,
    safe_next,
    set_session_cookie,
)
from egide.adapters.web.pages.templating import render
from egide.services import accounts

router = APIRouter(include_in_schema=False)


@router.get("/console/sign-in")
def sign_in_page(request: Request, next: str = "/console/", done: str | None = None) -> Response:
    if current_staff(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = {"out": "sign_in.signed_out"}.get(done or "")
    return render(request, "accounts/sign_in.html", {"next": safe_next(next), "username": "", "notice_key": notice,
                                                     "error_key": None, "error_values": {}})


@router.post("/console/sign-in", dependencies=[Depends(csrf_protected)])
def sign_in(request: Request, username: Annotated[str, Form(max_length=100)],
            password: Annotated[str, Form(max_length=256)], next: Annotated[str, Form(max_length=2000)] = "/console/"
            ) -> Response:
    app = request.app.state.egide
    try:
        signed = accounts.sign_in(app.store, username, password, lockout=accounts.lockout_policy(app.settings),
                                  sessions=accounts.session_policy(app.settings))
    except accounts.SignInRefusedError as refused:
        key, values = ("sign_in.failed", {})
        if refused.locked_until is not None:
            key, values = "sign_in.locked", {"until": f"{refused.locked_until:%Y-%m-%d %H:%M}"}
        return render(request, "accounts/sign_in.html", {"next": safe_next(next), "username": username[:100],
                                                         "notice_key": None, "error_key": key, "error_values": values},
                      status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, signed.token, app.settings.console_session_hours * 3600)
    return response


@router.post("/console/sign-out", dependencies=[Depends(csrf_protected)])
def sign_out(request: Request) -> Response:
    token = request.cookies.get("egide_session")
    if token:
        accounts.sign_out(request.app.state.egide.store, token)
    response = RedirectResponse("/console/sign-in?done=out", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/console/")
def console_home_page(request: Request, staff: Annotated[Staff, Depends(require("console.view"))]) -> Response:
    """The console's home (the console package may serve its own, included first)."""
    return render(request, "accounts/home.html")


@router.get("/console")
def console_root(request: Request) -> Response:
    return RedirectResponse("/console/", status_code=307)


@router.get("/console/accounts")
def accounts_page(request: Request, staff: Annotated[Staff, Depends(require("accounts.manage"))]) -> Response:
    store = request.app.state.egide.store
    return render(request, "accounts/list.html", {"accounts": accounts.list_accounts(store),
                                                  "keys": accounts.list_api_keys(store)})
