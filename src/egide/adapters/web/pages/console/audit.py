"""The audit trail: search by person (email, matched by its keyed hash), by request, by actor and
action; the chain's verification status. Searching for a person is itself recorded
(``console.viewed`` with the subject ids found, never the address)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from egide.adapters.store import console_queries
from egide.adapters.web.pages.console.common import acting, egide_app, page
from egide.adapters.web.pages.security import Staff, require
from egide.domain.errors import NotFoundError
from egide.services.audit import verify_audit_trail
from egide.services.staff_views import record_view

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("audit.read"))]
Term = Annotated[str, Query(max_length=320)]


@router.get("/audit")
def audit_page(request: Request, staff: Reader, person: Term = "", reference: Term = "", actor: Term = "",
               action: Term = "") -> Response:
    store = egide_app(request).store

    def search() -> Response:
        object_ids = None
        if person.strip():
            found = console_queries.person_objects(store, person)
            object_ids = list(found.object_ids)
            record_view(store, staff.actor, "audit_search", "audit_trail", "person", kind="person",
                        subjects=",".join(found.subject_ids) or None)
        if reference.strip():
            request_id = console_queries.request_id_of(store, reference.strip())
            if request_id is None:
                raise NotFoundError(f"no request {reference.strip()!r}")
            object_ids = [i for i in object_ids if i == request_id] if object_ids is not None else [request_id]
        events = console_queries.audit_events(store, object_ids=object_ids, actor=actor or None,
                                              action=action or None)
        return _render(request, events)

    def _render(request: Request, events, error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
        return page(request, "console/audit.html", {
            "events": events, "chain": verify_audit_trail(store), "person": person, "reference": reference,
            "actor": actor, "action": action, "error": error}, status_code=status)
    return acting(request, search, lambda words, status: _render(request, [], words, status))
