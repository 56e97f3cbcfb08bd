"""The staff console under ``/console/``: requests, register, consent figures, retention, audit trail.

Each module holds a ``router`` (``APIRouter(prefix="/console", include_in_schema=False)``) of thin
routes guarded by ``security.require(permission)``; this package's ``router`` holds all their routes
(``pages.install`` includes it). Another part of the console (the breach register) adds its module
to ``MODULES`` with one line.
"""

from __future__ import annotations

from fastapi import APIRouter

from egide.adapters.web.pages.console import audit, breaches, consent, register, requests, retention

MODULES = [requests, register, consent, retention, audit, breaches]

router = APIRouter(include_in_schema=False)
for _module in MODULES:
    router.routes.extend(_module.router.routes)  # flat: the routes keep their own paths and guards
