"""The HTTP API: thin routes over the services, built from an Egide App (nothing at import time)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from egide import __version__
from egide.adapters.http import (
    consent_routes,
    decision_routes,
    marketing_routes,
    recipient_routes,
    request_routes,
    retention_routes,
)
from egide.adapters.http.fast_path import CachedDecisions
from egide.adapters.http.errors import egide_error_handler, validation_error_handler
from egide.adapters.http.middleware import BodyLimit, SecurityHeaders
from egide.bootstrap import App
from egide.domain.errors import EgideError


def create_app(egide: App, jobs: object | None = None) -> FastAPI:
    """``jobs``: the job runner requests are put on (default: the one the settings choose, on first use)."""
    api = FastAPI(title="Egide", version=__version__, docs_url="/api/docs", openapi_url="/api/openapi.json",
                  redoc_url=None)
    api.state.egide = egide
    api.state.jobs = jobs
    api.add_exception_handler(EgideError, egide_error_handler)
    api.add_exception_handler(RequestValidationError, validation_error_handler)
    api.add_middleware(CachedDecisions)
    api.add_middleware(SecurityHeaders)
    if egide.settings.banner_origins:
        api.add_middleware(CORSMiddleware, allow_origins=egide.settings.banner_origins, allow_methods=["GET", "POST"],
                           allow_headers=["content-type"], max_age=3600)
    api.add_middleware(BodyLimit)
    api.include_router(consent_routes.router)
    api.include_router(decision_routes.router)
    api.include_router(marketing_routes.router)
    api.include_router(request_routes.public)
    api.include_router(request_routes.desk)
    api.include_router(recipient_routes.router)
    api.include_router(retention_routes.router)
    try:
        from egide.adapters.http import banner_routes
    except ImportError:  # the banner ships in the same package; absent only in a partial checkout
        banner_routes = None  # type: ignore[assignment]
    if banner_routes is not None:
        api.include_router(banner_routes.router)

    from egide.adapters.web.pages import install as install_pages  # the pages need Jinja2, imported on use

    install_pages(api)

    @api.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return api
