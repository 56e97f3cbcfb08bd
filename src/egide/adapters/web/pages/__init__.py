"""Server-rendered pages: the privacy centre (public, ``centre/``) and the console (staff, ``console/``).

``install(api)`` adds them to the HTTP app: the static files under ``/static`` (stylesheet, the
vendored htmx), each page package's ``router`` (in ``PAGE_PACKAGES`` order; a package missing from
a partial checkout is skipped), then the sign-in pages and the accounts page of this package, and
the handlers that turn the guard's refusals into a redirect or a 403 page.
See ``templating.py`` (rendering, messages) and ``security.py`` (sessions, CSRF, ``require``).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from egide.adapters.web.pages import account_pages, security
from egide.adapters.web.pages.templating import PAGE_PACKAGES

STATIC_DIR = Path(__file__).parent.parent / "static"


def install(api: FastAPI) -> None:
    api.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for package in PAGE_PACKAGES:
        name = f"{__name__}.{package}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "router") and not _included(api, module.router):
            api.include_router(module.router)
    api.include_router(account_pages.router)
    for error, handler in security.HANDLERS.items():
        api.add_exception_handler(error, handler)


def _included(api: FastAPI, router: object) -> bool:
    """Whether the app already serves this router's routes (app.py may include a package itself)."""
    served = {(getattr(r, "path", None), frozenset(getattr(r, "methods", None) or ())) for r in api.routes}
    routes = getattr(router, "routes", [])
    return bool(routes) and all((r.path, frozenset(r.methods or ())) in served for r in routes)
