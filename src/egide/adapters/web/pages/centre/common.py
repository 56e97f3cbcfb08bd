"""What every page of the privacy centre shares: the App, the rate limiter, CSRF, error pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse

from egide.adapters.store.rate_limit_repositories import RateLimitWindows
from egide.adapters.web.pages.ratelimit import RateLimitedError, RateLimiter
from egide.adapters.web.pages.templating import language, render, translator
from egide.bootstrap import App
from egide.domain.clock import naive_utc
from egide.domain.errors import ConfigurationError, EgideError, InvalidInputError, NotFoundError
from egide.services.active_register import ActiveRegister

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def egide(request: Request) -> App:
    return request.app.state.egide


def active_register(app: App) -> ActiveRegister:
    active = app.registers.get()
    if active is None:
        raise ConfigurationError("no register is active: run `egide register activate <file>` first")
    return active


def limiter(request: Request) -> RateLimiter:
    """One limiter per FastAPI app, on the App's clock, its counters in the store (shared by every
    process on it)."""
    state = request.app.state
    if getattr(state, "centre_limiter", None) is None:
        app = egide(request)
        state.centre_limiter = RateLimiter(lambda: naive_utc(app.clock.now()), RateLimitWindows(app.engine),
                                           app.store.keyring.rate_limit_key)
    return state.centre_limiter


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def guard(request: Request, form: Mapping[str, Any], limit: str) -> None:
    """Every public POST (its CSRF token already checked by the router's ``csrf_protected``): the rate
    limit of this form for this address."""
    limiter(request).hit(limit, client_address(request))


def available_for(app: App) -> timedelta:
    return timedelta(days=app.settings.export_available_days)


def requests_dir(app: App):  # type: ignore[no-untyped-def]
    return app.settings.data_dir / "requests"


def error_page(request: Request, error: EgideError, *, template: str = "centre/message.html",
               context: Mapping[str, Any] | None = None) -> HTMLResponse:
    """A public error as a page in the person's language (never a stack trace, never someone else's data)."""
    t = translator(language(request))
    headers = dict(PRIVATE)
    if isinstance(error, RateLimitedError):
        status, title, text = 429, t("centre.error_title"), t("centre.rate_limited", seconds=error.retry_after)
        headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, NotFoundError):
        status, title, text = 404, t("centre.not_found_title"), t("centre.not_found")
    elif isinstance(error, InvalidInputError):
        status, title, text = 400, t("centre.error_title"), error.message
    else:
        status, title, text = {"conflict": 409, "configuration": 503}.get(error.code, 400), t("centre.error_title"), \
            error.message
    values = {"title": title, "text": text, **(context or {})}
    return render(request, template, {"error": text, **values}, status_code=status, headers=headers)
