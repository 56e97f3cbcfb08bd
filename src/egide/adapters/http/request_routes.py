"""Data-subject requests over HTTP (thin: validate, call a service, shape the answer).

Public (the person): submit, ask for a code, verify it, follow the status with the secret token
given at intake. A wrong token and an unknown reference get the same 404. Staff (the API token):
the desk's list, one request, extend, refuse, verify manually, run (on the job runner), approve the answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from egide.adapters.http.dependencies import egide, job_queue, require_token
from egide.adapters.http.request_models import (
    Acknowledged,
    ApprovalOut,
    ChangeOut,
    CodeCheck,
    Extension,
    IntakeReceipt,
    JobAccepted,
    ManualVerification,
    PublicStatus,
    Refusal,
    RequestDetail,
    RequestIntake,
    RequestRowOut,
    RunOrder,
    StatusToken,
    change_out,
)
from egide.adapters.notifications import request_desk
from egide.bootstrap import App
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.requests import Channel, RequestStatus
from egide.services import answer_review, request_identity, request_status, requests
from egide.services.request_runner import runnable

public = APIRouter(prefix="/api/v1/requests", tags=["requests"])
desk = APIRouter(prefix="/api/v1/desk/requests", tags=["requests (staff)"], dependencies=[Depends(require_token)])
NOT_FOUND = {404: {"description": "No request with this reference and token (the same answer for both)."}}


@public.post("", status_code=201, response_model=IntakeReceipt)
def submit(body: RequestIntake, app: Annotated[App, Depends(egide)]) -> IntakeReceipt:
    """A person's request, received now through the form channel; a code is emailed to verify them."""
    token, token_sha256 = request_status.new_status_token()
    change = requests.submit_request(request_desk(app, actor="data_subject:form"), right=body.right,
                                     email=body.email, phone=body.phone, name=body.name, text=body.text,
                                     language=body.language, channel=Channel.form, status_token_sha256=token_sha256)
    r = change.request
    url = f"{app.settings.public_url.rstrip('/')}/api/v1/requests/{r.reference}?token={token}"
    return IntakeReceipt(reference=r.reference, status=r.status.value, due_on=r.due_on, status_token=token,
                         status_url=url)


@public.post("/{reference}/code", response_model=Acknowledged, responses=NOT_FOUND)
def send_code(reference: str, body: StatusToken, app: Annotated[App, Depends(egide)]) -> Acknowledged:
    """Email a new code (the previous one stops working)."""
    person = request_desk(app, actor="data_subject:form")
    request_status.check_status_token(person, reference, body.token)
    r = request_identity.send_verification_code(person, reference).request
    return Acknowledged(reference=r.reference, status=r.status.value, due_on=r.due_on)


@public.post("/{reference}/verification", response_model=Acknowledged, responses=NOT_FOUND)
def verify(reference: str, body: CodeCheck, app: Annotated[App, Depends(egide)]) -> Acknowledged:
    """Confirm the person's identity with the code they received (15 minutes, few attempts)."""
    person = request_desk(app, actor="data_subject:form")
    request_status.check_status_token(person, reference, body.token)
    r = request_identity.verify_code(person, reference, body.code).request
    return Acknowledged(reference=r.reference, status=r.status.value, due_on=r.due_on)


@public.get("/{reference}", response_model=PublicStatus, responses=NOT_FOUND)
def status(reference: str, token: Annotated[str, Query(max_length=200)],
           app: Annotated[App, Depends(egide)]) -> PublicStatus:
    """Status and due date; once answered, the answer; once refused, the reasons."""
    found = request_status.public_status(request_desk(app, actor="data_subject:form"), reference, token)
    return PublicStatus(**found.__dict__)


def _staff(app: App):  # type: ignore[no-untyped-def]
    return request_desk(app, actor="api")


@desk.get("", response_model=list[RequestRowOut])
def list_requests(app: Annotated[App, Depends(egide)], overdue: bool = False,
                  status: Annotated[list[str] | None, Query(max_length=10)] = None) -> list[RequestRowOut]:
    """Every request soonest due first, with the days left and an overdue flag."""
    try:
        statuses = [RequestStatus(s) for s in status] if status else None
    except ValueError:
        raise InvalidInputError(f"unknown status in {status}", problems=[
            Problem(f"expected: {', '.join(s.value for s in RequestStatus)}", path="status")]) from None
    rows = requests.list_requests(_staff(app), overdue_only=overdue, statuses=statuses)
    return [RequestRowOut(**row.__dict__) for row in rows]


@desk.get("/{reference}", response_model=RequestDetail)
def show(reference: str, app: Annotated[App, Depends(egide)]) -> RequestDetail:
    """One request with the personal data opened: words, identity, clock, notices, audit events."""
    return requests.show_request(_staff(app), reference).as_dict()


@desk.post("/{reference}/extension", response_model=ChangeOut)
def extend(reference: str, body: Extension, app: Annotated[App, Depends(egide)]) -> ChangeOut:
    """Art. 12(3): extend the deadline, with reasons, within the first month; the person is told."""
    return change_out(requests.extend(_staff(app), reference, body.reason, body.by))


@desk.post("/{reference}/refusal", response_model=ChangeOut)
def refuse(reference: str, body: Refusal, app: Annotated[App, Depends(egide)]) -> ChangeOut:
    """Art. 12(4)-(5): refuse with the reasons; the notice tells the right to complain."""
    return change_out(requests.refuse(_staff(app), reference, body.reason, body.ground))


@desk.post("/{reference}/manual-verification", response_model=ChangeOut)
def verify_manually(reference: str, body: ManualVerification, app: Annotated[App, Depends(egide)]) -> ChangeOut:
    """An agent confirms the identity another way and says how."""
    return change_out(request_identity.verify_manually(_staff(app), reference, body.method, body.note))


@desk.post("/{reference}/approval", response_model=ApprovalOut)
def approve(reference: str, app: Annotated[App, Depends(egide)]) -> ApprovalOut:
    """Approve the answer: held for approval (`answer_approval_required`), it is sent now and the request
    is answered; already answered, the sign-off is recorded. 409 for any other status or a second approval."""
    approval = answer_review.approve_answer(_staff(app), reference)
    return ApprovalOut(**change_out(approval.change).model_dump(), answer_sha256=approval.answer_sha256,
                       released=approval.released)


@desk.post("/{reference}/run", status_code=202, response_model=JobAccepted)
def run(reference: str, request: Request, app: Annotated[App, Depends(egide)],
        body: RunOrder | None = None) -> JobAccepted:
    """Put a verified request on the job runner; `GET .../{reference}` shows when it is answered."""
    found = runnable(_staff(app), reference)
    queue = job_queue(request)
    arguments: dict[str, object] = {"reference": found.reference}
    if body is not None and body.datasets:
        arguments["datasets"] = body.datasets
    return JobAccepted(reference=found.reference, job_id=queue.enqueue("request.run", **arguments), runner=queue.name)
