"""What the person who made a request may see of it, with the secret of their status link.

The secret is drawn at intake (256 bits), given once to the person and stored only as its
SHA-256. A wrong secret and an unknown reference get the same answer, so references (which
follow each other) cannot be probed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from egide.domain.errors import NotFoundError
from egide.domain.requests import DataSubjectRequest, RequestStatus
from egide.services.ports import UnitOfWorkPort
from egide.services.request_desk import RequestDesk, deadline_of

NOT_FOUND = "no request with this reference and status token"
_NO_TOKEN = hashlib.sha256(b"").hexdigest()


def new_status_token() -> tuple[str, str]:
    """A fresh secret for a status link, and the SHA-256 the store keeps."""
    token = secrets.token_urlsafe(32)
    return token, token_sha256(token)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authorised(uow: UnitOfWorkPort, reference: str, token: str | None) -> DataSubjectRequest:
    """The request, if ``token`` is its status secret; else the same NotFoundError as an unknown reference."""
    request = uow.requests.by_reference(reference) if reference and len(reference) <= 40 else None
    stored = uow.requests.status_token(request.id) if request is not None else None
    matches = hmac.compare_digest(stored or _NO_TOKEN, token_sha256(token or ""))
    if request is None or stored is None or not token or not matches:
        raise NotFoundError(NOT_FOUND)
    return request


def check_status_token(desk: RequestDesk, reference: str, token: str | None) -> DataSubjectRequest:
    with desk.store.unit_of_work(read_only=True) as uow:
        return authorised(uow, reference, token)


@dataclass(frozen=True)
class PublicStatus:
    reference: str
    right: str
    status: str
    received_on: date
    due_on: date
    answer: str | None
    refusal_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()}


def public_status(desk: RequestDesk, reference: str, token: str | None) -> PublicStatus:
    """Status and due date; once answered the answer, once refused the reasons."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = authorised(uow, reference, token)
        due = request.due_on if request.status.is_final else deadline_of(uow, desk, request).due(desk.today())
        answer = uow.requests.result(request) if request.status is RequestStatus.answered else None
    refusal = request.refusal_reason if request.status is RequestStatus.refused else None
    return PublicStatus(request.reference, request.right.value, request.status.value, request.received_at.date(),
                        due, answer, refusal)
