"""The requests queue (by legal due date, overdue in red) and a request's page with its actions.

Thin: each route calls a service. Opening a request's page shows personal data, so
``staff_views.request_page`` writes ``console.viewed`` naming the account and the request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from egide.adapters.http.dependencies import job_queue
from egide.adapters.notifications import request_desk
from egide.adapters.store.console_queries import request_steps
from egide.adapters.web.pages.console.common import acting, done, egide_app, error_words, not_found, page
from egide.adapters.web.pages.security import Staff, require
from egide.adapters.web.pages.templating import render
from egide.domain.deadlines import MAX_EXTENSION
from egide.domain.errors import EgideError, NotFoundError
from egide.domain.requests import RefusalGround, RequestStatus
from egide.services import answer_review, request_identity, requests
from egide.services.request_runner import runnable
from egide.services.staff_views import request_page

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("requests.read"))]
Actor = Annotated[Staff, Depends(require("requests.act"))]


def _queue(request: Request, staff: Staff, overdue: bool, status: str) -> dict[str, object]:
    """The queue's rows, filtered: overdue only, one status (an unknown status filters nothing)."""
    chosen = status if status in {s.value for s in RequestStatus} else ""
    rows = requests.list_requests(request_desk(egide_app(request), actor=staff.actor), overdue_only=overdue,
                                  statuses=[RequestStatus(chosen)] if chosen else None)
    return {"rows": rows, "overdue": overdue, "status": chosen, "statuses": [s.value for s in RequestStatus]}


@router.get("/requests")
def queue_page(request: Request, staff: Reader, overdue: bool = False,
               status: Annotated[str, Query(max_length=40)] = "") -> Response:
    return page(request, "console/queue.html", _queue(request, staff, overdue, status))


@router.get("/requests/fragment")
def queue_fragment(request: Request, staff: Reader, overdue: bool = False,
                   status: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The queue's table alone (htmx: the filter and the refresh button swap it in place)."""
    return render(request, "console/_queue_rows.html", _queue(request, staff, overdue, status))


def _request_page(request: Request, staff: Staff, reference: str, error: str | None = None,
                  status_code: int = 200, **flash: str) -> Response:
    app = egide_app(request)
    desk = request_desk(app, actor=staff.actor)
    found = request_page(desk, reference, lambda rid: request_steps(app.store, rid), staff.actor)
    return page(request, "console/request.html", {
        "p": found, "r": found.view.request, "row": found.view.row, "error": error, "grounds": list(RefusalGround),
        "approvals": answer_review.approvals(desk, found.view.request.id), "max_extension": MAX_EXTENSION.iso(),
        "today": desk.today(), "queued": None, "sent": None, **flash}, status_code=status_code)


@router.get("/requests/{reference}")
def request_detail_page(request: Request, staff: Reader, reference: str) -> Response:
    try:
        return _request_page(request, staff, reference, queued=request.query_params.get("job"),
                             sent=request.query_params.get("sent"))
    except NotFoundError:
        return not_found(request)


def _act(request: Request, staff: Staff, reference: str, change) -> Response:  # type: ignore[no-untyped-def]
    def refused(words: str, status: int) -> Response:
        return not_found(request) if status == 404 else _request_page(request, staff, reference, words, status)
    return acting(request, change, refused)


@router.post("/requests/{reference}/verify")
def verify_action(request: Request, staff: Actor, reference: str, method: Annotated[str, Form(max_length=500)] = "",
                  note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    def change() -> Response:
        request_identity.verify_manually(request_desk(egide_app(request), actor=staff.actor), reference, method, note)
        return done(f"/console/requests/{reference}", done="verify")
    return _act(request, staff, reference, change)


@router.post("/requests/{reference}/extend")
def extend_action(request: Request, staff: Actor, reference: str, reason: Annotated[str, Form(max_length=5000)] = "",
                  by: Annotated[str, Form(max_length=20)] = "P2M") -> Response:
    def change() -> Response:
        requests.extend(request_desk(egide_app(request), actor=staff.actor), reference, reason, by)
        return done(f"/console/requests/{reference}", done="extend")
    return _act(request, staff, reference, change)


@router.post("/requests/{reference}/refuse")
def refuse_action(request: Request, staff: Actor, reference: str, reason: Annotated[str, Form(max_length=5000)] = "",
                  ground: Annotated[str, Form(max_length=50)] = "") -> Response:
    def change() -> Response:
        requests.refuse(request_desk(egide_app(request), actor=staff.actor), reference, reason, ground)
        return done(f"/console/requests/{reference}", done="refuse")
    return _act(request, staff, reference, change)


@router.post("/requests/{reference}/run")
def run_action(request: Request, staff: Actor, reference: str) -> Response:
    def change() -> Response:
        found = runnable(request_desk(egide_app(request), actor=staff.actor), reference)
        job = job_queue(request).enqueue("request.run", reference=found.reference)
        return done(f"/console/requests/{found.reference}", done="run", job=job)
    return _act(request, staff, reference, change)


@router.post("/requests/{reference}/approve")
def approve_action(request: Request, staff: Actor, reference: str) -> Response:
    """Approve the answer. From htmx (``HX-Request``), the answer is the approval's fragment, swapped in
    place of the button; without script, the request's page again (Post/Redirect/Get)."""
    if request.headers.get("hx-request"):
        return approve_fragment(request, staff, reference)

    def change() -> Response:
        approval = answer_review.approve_answer(request_desk(egide_app(request), actor=staff.actor), reference)
        delivered = sum(1 for d in approval.change.deliveries if d.delivered)
        return done(f"/console/requests/{reference}", done="approve",
                    sent=f"{delivered}/0/0" if approval.released else None)
    return _act(request, staff, reference, change)


def approve_fragment(request: Request, staff: Staff, reference: str) -> Response:
    """What the approval did, or why it was refused (then nothing changed), as a fragment. A refusal
    answers 200 so that htmx swaps it in; its words are the service's."""
    try:
        approval = answer_review.approve_answer(request_desk(egide_app(request), actor=staff.actor), reference)
    except NotFoundError:
        return not_found(request)
    except EgideError as error:
        return render(request, "console/_approval.html", {"approval": None, "error": error_words(error)})
    delivered = sum(1 for d in approval.change.deliveries if d.delivered)
    return render(request, "console/_approval.html", {"approval": approval, "delivered": delivered,
                                                      "error": None})


@router.post("/requests/{reference}/send")
def send_action(request: Request, staff: Actor, reference: str) -> Response:
    def change() -> Response:
        sent = answer_review.send_waiting(request_desk(egide_app(request), actor=staff.actor), reference)
        summary = f"{len(sent.notices)}/{sent.recipients_sent}/{sent.recipients_failed}"
        return done(f"/console/requests/{reference}", done="send", sent=summary)
    return _act(request, staff, reference, change)
