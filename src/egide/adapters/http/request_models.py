"""The request endpoints' bodies and answers (Pydantic): what the OpenAPI document shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from egide.services.request_desk import Change
from egide.services.requests import MAX_TEXT


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestIntake(Body):
    right: str = Field(max_length=30, description="access, rectification, erasure, restriction, portability, "
                       "objection, human_review or withdraw_consent.", examples=["access"])
    email: str = Field(max_length=320, description="Where the acknowledgement, the code and the answer go.")
    phone: str | None = Field(None, max_length=40, description="A phone number the person gives (stored encrypted).")
    name: str | None = Field(None, max_length=200, description="The name the person gives (stored encrypted).")
    text: str | None = Field(None, max_length=MAX_TEXT, description="The person's own words (stored encrypted).")
    language: str | None = Field(None, max_length=8, description="fr or en (default: the register's language).")


class IntakeReceipt(BaseModel):
    reference: str = Field(description="The request's reference, e.g. DSR-2026-000001.")
    status: str
    due_on: date = Field(description="The legal deadline as it stands (suspended while a code is awaited).")
    status_token: str = Field(description="The secret to follow the request with. Shown once: Egide keeps only "
                              "its SHA-256.")
    status_url: str = Field(description="The status link: public_url + /api/v1/requests/{reference}?token=...")


class StatusToken(Body):
    token: str = Field(min_length=1, max_length=200, description="The status token given at intake.")


class CodeCheck(StatusToken):
    code: str = Field(min_length=1, max_length=20, description="The 6-digit code the person received by email.")


class PublicStatus(BaseModel):
    reference: str
    right: str
    status: str
    received_on: date
    due_on: date
    answer: str | None = Field(description="Once answered: what was done, in the words sent to the person.")
    refusal_reason: str | None = Field(description="Once refused: the reasons given to the person.")


class Acknowledged(BaseModel):
    reference: str
    status: str
    due_on: date


class NoticeOutcome(BaseModel):
    kind: str
    delivered: bool
    transport: str
    error: str | None = None


class ChangeOut(Acknowledged):
    notices: list[NoticeOutcome] = Field(default_factory=list)


def change_out(change: Change) -> ChangeOut:
    r = change.request
    return ChangeOut(reference=r.reference, status=r.status.value, due_on=r.due_on, notices=[
        NoticeOutcome(kind=d.kind.value, delivered=d.delivered, transport=d.transport, error=d.error)
        for d in change.deliveries])


class ApprovalOut(ChangeOut):
    answer_sha256: str = Field(description="SHA-256 of the answer's words: what was approved.")
    released: bool = Field(description="True: the answer held for approval was sent by this approval; "
                                       "false: a sign-off of an answer already sent.")


class RequestRowOut(BaseModel):
    reference: str
    right: str
    status: str
    channel: str
    received_on: date
    due_on: date
    days_left: int | None = Field(description="None once answered or refused.")
    overdue: bool
    extended: bool
    suspended: bool


class Extension(Body):
    reason: str = Field(min_length=1, max_length=5000, description="Why more time is needed; sent to the person.")
    by: str = Field("P2M", max_length=10, description="P1M or P2M (at most two further months in total).")


class Refusal(Body):
    reason: str = Field(min_length=1, max_length=5000, description="The reasons, sent to the person.")
    ground: str = Field(max_length=40, description="manifestly_unfounded, excessive or identity_not_established.")


class ManualVerification(Body):
    method: str = Field(min_length=1, max_length=1000, description="How the identity was checked.")
    note: str | None = Field(None, max_length=5000, description="Anything worth keeping (stored encrypted).")


class RunOrder(Body):
    datasets: list[str] | None = Field(None, max_length=50, description="Dataset files on the server (default: the "
                                       "`datasets` setting).")


class JobAccepted(BaseModel):
    reference: str
    job_id: str = Field(description="The job's id in the journal (`egide jobs list`).")
    runner: str


RequestDetail = dict[str, Any]
