"""The pages' security: the staff session cookie, CSRF tokens, the permission guard, page headers.

A staff page::

    from egide.adapters.web.pages.security import Staff, require

    @router.get("/console/requests")
    def queue_page(request: Request, staff: Annotated[Staff, Depends(require("requests.read"))]):
        ...   # staff.actor goes in the audit events, staff.can("requests.act") shows the buttons

``require(permission)`` answers a visitor who is not signed in with a redirect to the sign-in page
(``HX-Redirect`` for htmx), a role without the permission with a 403 page, and checks the CSRF
token of every POST/PUT/PATCH/DELETE. A public form uses ``Depends(csrf_protected)``. Forms carry
``{{ csrf_field() }}``; htmx requests send the token as ``X-CSRF-Token`` (set on ``<body>`` by the
base layout).

CSRF: a random value in an HttpOnly, SameSite=Strict cookie, and in the form its HMAC under the
signing key (so a token cannot be made without the key, and a cookie planted by a sibling domain
does not help). The Origin header, when the browser sends one, must be this site.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from egide.domain.accounts import PERMISSIONS, Account, allows

SESSION_COOKIE = "egide_session"
CSRF_COOKIE = "egide_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_PATH = "/console/sign-in"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


@dataclass(frozen=True)
class Staff:
    """The signed-in person of a console request."""

    account: Account
    session_id: str

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def role(self) -> str:
        return self.account.role.value

    @property
    def actor(self) -> str:
        return self.account.actor

    def can(self, permission: str) -> bool:
        return allows(self.account.role, permission)


class SignInRequired(Exception):
    """No valid session: the visitor is sent to the sign-in page."""


class PageForbidden(Exception):
    """Signed in, but the role lacks ``permission``."""

    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


class CsrfRejected(Exception):
    """A state-changing request without a valid CSRF token or from another origin."""


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


# --- sessions ----------------------------------------------------------------------------------

def current_staff(request: Request) -> Staff | None:
    """The signed-in account of this request, read once per request (None when not signed in or
    when the session has expired or the account was disabled)."""
    if hasattr(request.state, "egide_staff"):
        return request.state.egide_staff  # type: ignore[no-any-return]
    from egide.services import accounts

    staff = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        app = request.app.state.egide
        found = accounts.session_account(app.store, token, accounts.session_policy(app.settings))
        if found is not None:
            staff = Staff(account=found[0], session_id=found[1])
    request.state.egide_staff = staff
    return staff


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="strict",
                        secure=is_https(request), path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=is_https(request))


# --- CSRF --------------------------------------------------------------------------------------

def _sign(request: Request, value: str) -> str:
    return request.app.state.egide.store.keyring.sign(f"csrf:{value}".encode())  # type: ignore[no-any-return]


def csrf_token(request: Request) -> str:
    """The token for this visitor's forms (a new cookie value is made on first use and set by
    ``remember_csrf`` on the response)."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "egide_new_csrf", None)
    if not value or len(value) > 100:
        value = secrets.token_urlsafe(32)
        request.state.egide_new_csrf = value
    return _sign(request, value)


def remember_csrf(request: Request, response: Response, token: str) -> None:
    new = getattr(request.state, "egide_new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", secure=is_https(request), path="/")


def csrf_field(token: str) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


async def csrf_protected(request: Request) -> None:
    """Dependency: refuse a state-changing request without this visitor's CSRF token."""
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise CsrfRejected()
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        field = (await request.form()).get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    cookie = request.cookies.get(CSRF_COOKIE)
    if not given or not cookie or not hmac.compare_digest(given, _sign(request, cookie)):
        raise CsrfRejected()


# --- the guard ---------------------------------------------------------------------------------

def signed_in(request: Request, _csrf: None = Depends(csrf_protected)) -> Staff:
    """Dependency: any signed-in staff member (CSRF checked on unsafe methods)."""
    staff = current_staff(request)
    if staff is None:
        raise SignInRequired()
    return staff


def require(permission: str) -> Callable[..., Staff]:
    """Dependency factory: the signed-in staff member, if their role has ``permission`` (a name of
    ``domain.accounts.PERMISSIONS``; an unknown name fails when the route is declared)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}: see egide.domain.accounts.PERMISSIONS")

    def guard(request: Request, staff: Staff = Depends(signed_in)) -> Staff:
        if not staff.can(permission):
            raise PageForbidden(permission)
        return staff

    guard.__name__ = f"require_{permission.replace('.', '_')}"
    return guard


# --- responses ---------------------------------------------------------------------------------

def page_headers(request: Request, response: Response) -> None:
    """Headers of every page (the HTTP middleware adds HSTS over TLS and keeps these)."""
    response.headers["content-security-policy"] = PAGE_CSP
    response.headers["x-frame-options"] = "DENY"
    response.headers["referrer-policy"] = "same-origin"
    response.headers["cross-origin-opener-policy"] = "same-origin"
    response.headers["permissions-policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response.headers.setdefault("cache-control", "no-store")  # pages may show personal data: never cached
    response.headers.setdefault("vary", "Cookie, Accept-Language")


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"{SIGN_IN_PATH}?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/console/"
    return target


async def sign_in_required_handler(request: Request, error: Exception) -> Response:
    return sign_in_redirect(request)


async def forbidden_handler(request: Request, error: Exception) -> Response:
    from egide.adapters.web.pages.templating import render

    return render(request, "error.html", {"message_key": "error.forbidden"}, status_code=403)


async def csrf_handler(request: Request, error: Exception) -> Response:
    from egide.adapters.web.pages.templating import render

    return render(request, "error.html", {"message_key": "error.csrf"}, status_code=403)


HANDLERS: dict[type[Exception], Any] = {
    SignInRequired: sign_in_required_handler,
    PageForbidden: forbidden_handler,
    CsrfRejected: csrf_handler,
}
