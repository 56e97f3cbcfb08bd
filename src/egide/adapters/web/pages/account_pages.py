"""Signing in and out of the console, its fallback home page, and the admin's accounts page (create,
disable and enable accounts; create and revoke API keys; a new secret is shown once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from egide.adapters.http.errors import HTTP_STATUS

from egide.adapters.web.pages.security import (
    Staff,
    clear_session_cookie,
    csrf_protected,
    current_staff,
    require,
    safe_next,
    set_session_cookie,
    signed_in,
)
from egide.adapters.web.pages.templating import render
from egide.domain.accounts import API_SCOPES, Role
from egide.domain.errors import EgideError, InvalidInputError, Problem
from egide.services import accounts

router = APIRouter(include_in_schema=False)


@router.get("/console/sign-in")
def sign_in_page(request: Request, next: str = "/console/", done: str | None = None) -> Response:
    if current_staff(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = {"out": "sign_in.signed_out", "password": "sign_in.password_changed"}.get(done or "")
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


@router.get("/console/password")
def password_page(request: Request, staff: Annotated[Staff, Depends(signed_in)]) -> Response:
    return render(request, "accounts/password.html", {"problems": []})


@router.post("/console/password")
def change_password(request: Request, staff: Annotated[Staff, Depends(signed_in)],
                    current: Annotated[str, Form(max_length=256)], new: Annotated[str, Form(max_length=256)],
                    confirm: Annotated[str, Form(max_length=256)]) -> Response:
    """Any signed-in person changes their own password; every session of theirs ends."""
    try:
        if new != confirm:
            raise InvalidInputError("the two new passwords differ",
                                    problems=[Problem("the two new passwords differ", path="confirm")])
        accounts.change_own_password(request.app.state.egide.store, staff.account, current, new)
    except InvalidInputError as error:
        return render(request, "accounts/password.html", {"problems": [str(p) for p in error.problems]},
                      status_code=400)
    response = RedirectResponse("/console/sign-in?done=password", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/console")
def console_root(request: Request) -> Response:
    return RedirectResponse("/console/", status_code=307)


@router.get("/console/accounts")
def accounts_page(request: Request, staff: Annotated[Staff, Depends(require("accounts.manage"))]) -> Response:
    return _accounts(request)


def _accounts(request: Request, *, status_code: int = 200, error: EgideError | None = None,
              shown: dict[str, str] | None = None) -> Response:
    """The accounts page; ``shown``: a secret made just now (a first password, an API key), shown once."""
    store = request.app.state.egide.store
    problems = [str(p) for p in getattr(error, "problems", [])] if error else []
    return render(request, "accounts/list.html", {
        "accounts": accounts.list_accounts(store), "keys": accounts.list_api_keys(store), "roles": list(Role),
        "scopes": list(API_SCOPES), "error": error.message if error else None, "problems": problems,
        "shown": shown}, status_code=status_code, headers={"cache-control": "no-store"})


def _failed(request: Request, error: EgideError) -> Response:
    return _accounts(request, status_code=HTTP_STATUS.get(error.code, 400), error=error)


@router.post("/console/accounts")
def create_account(request: Request, staff: Annotated[Staff, Depends(require("accounts.manage"))],
                   username: Annotated[str, Form(max_length=100)], role: Annotated[str, Form(max_length=20)]
                   ) -> Response:
    """A new account with a generated first password, shown once (the person changes it with the CLI
    or an admin sets another)."""
    password = accounts.generated_password()
    try:
        made = accounts.create_account(request.app.state.egide.store, username=username, role=role,
                                       password=password, actor=staff.actor)
    except EgideError as error:
        return _failed(request, error)
    return _accounts(request, status_code=201, shown={"kind": "password", "name": made.username, "secret": password})


@router.post("/console/accounts/{username}/disable")
def disable_account(request: Request, username: str,
                    staff: Annotated[Staff, Depends(require("accounts.manage"))]) -> Response:
    try:
        accounts.disable_account(request.app.state.egide.store, username, actor=staff.actor)
    except EgideError as error:
        return _failed(request, error)
    return RedirectResponse("/console/accounts", status_code=303)


@router.post("/console/accounts/{username}/enable")
def enable_account(request: Request, username: str,
                   staff: Annotated[Staff, Depends(require("accounts.manage"))]) -> Response:
    try:
        accounts.enable_account(request.app.state.egide.store, username, actor=staff.actor)
    except EgideError as error:
        return _failed(request, error)
    return RedirectResponse("/console/accounts", status_code=303)


@router.post("/console/api-keys")
def create_api_key(request: Request, staff: Annotated[Staff, Depends(require("accounts.manage"))],
                   name: Annotated[str, Form(max_length=200)],
                   scope: Annotated[list[str] | None, Form(max_length=50)] = None) -> Response:
    try:
        key, secret = accounts.create_api_key(request.app.state.egide.store, name=name, scopes=(scope or [])[:20],
                                              actor=staff.actor)
    except EgideError as error:
        return _failed(request, error)
    return _accounts(request, status_code=201, shown={"kind": "api_key", "name": key.prefix, "secret": secret})


@router.post("/console/api-keys/{prefix}/revoke")
def revoke_api_key(request: Request, prefix: str,
                   staff: Annotated[Staff, Depends(require("accounts.manage"))]) -> Response:
    try:
        accounts.revoke_api_key(request.app.state.egide.store, prefix, actor=staff.actor)
    except EgideError as error:
        return _failed(request, error)
    return RedirectResponse("/console/accounts", status_code=303)
