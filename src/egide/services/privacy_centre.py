"""What the public privacy centre shows and does, beyond the request lifecycle.

- The rights a person can ask for through the centre's forms: those the register offers.
- A request's files (the access report, the portability export, the processors' answers) as seen
  through its status link: sealed at rest with the person's key (``store.files``) and opened as
  they are downloaded; available for ``available_for`` after the answer, then deleted by
  :func:`purge_expired_exports` (a daily job), each deletion with its audit event. Once an erasure
  destroyed the person's key their files no longer open, are no longer listed, and the job deletes them.
- A browser's consent preferences (the banner's pseudonymous browser id) and their withdrawal,
  one purpose at a time, through the consent ledger.

Nothing here reads another person's data: every request view goes through the status token
(``request_status.authorised``); preferences are those recorded for the caller's own browser id.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.consent import ConsentChannel, ConsentProof, ConsentStatus
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.domain.requests import RequestStatus, Right
from egide.register.model import Register
from egide.services.active_register import ActiveRegister
from egide.services.consent import BROWSER_ID, consent_overview, record_choice
from egide.services.ports import SealedFilesPort, StorePort
from egide.services.request_desk import OBJECT_TYPE, RequestDesk, deadline_of
from egide.services.request_status import NOT_FOUND, authorised

# Rights that always apply (arts. 15-21) when a register lists none.
DEFAULT_RIGHTS = (Right.access, Right.rectification, Right.erasure, Right.restriction, Right.portability,
                  Right.objection)
# The files a run writes per dataset: access-<request id>.json/.html, portability-<request id>.zip,
# processors-<request id>.json.
_FILE = re.compile(r"^(access|portability|processors)-([0-9A-Za-z-]{1,64})\.(json|html|zip)$")
_MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "zip": "application/zip"}


def offered_rights(register: Register) -> list[Right]:
    """The rights the register tells people about that a request can carry (complaints go to the authority)."""
    offered = []
    for right in register.rights.offered:
        try:
            offered.append(Right(right.value))
        except ValueError:
            continue  # complaint, post-mortem directives: no request form
    return offered or list(DEFAULT_RIGHTS)


@dataclass(frozen=True)
class RequestFile:
    name: str  # e.g. shop/access-<id>.html
    path: Path
    kind: str  # access | portability | processors
    extension: str
    size: int  # once opened (a sealed file is a little larger on disk)
    subject_id: str | None = None  # the person whose key seals it

    @property
    def media_type(self) -> str:
        return _MEDIA[self.extension]


def request_files(requests_dir: Path, request_id: str, files: SealedFilesPort | None = None,
                  subject_id: str | None = None) -> list[RequestFile]:
    """The files written for ``request_id`` (one folder per dataset), sorted by name. With ``files``:
    only those that still open for ``subject_id`` (not those whose key an erasure destroyed)."""
    found: list[RequestFile] = []
    if not requests_dir.is_dir():
        return found
    for folder in sorted(p for p in requests_dir.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            match = _FILE.match(path.name)
            if not (match and match.group(2) == request_id and path.is_file()):
                continue
            if files is not None and not files.readable(path, subject_id):
                continue
            size = files.size(path) if files is not None else path.stat().st_size
            found.append(RequestFile(f"{folder.name}/{path.name}", path, match.group(1), match.group(3), size,
                                     subject_id))
    return found


@dataclass(frozen=True)
class CentreRequest:
    """A request as its owner sees it through the status link."""

    reference: str
    right: str
    status: str
    language: str
    received_on: object
    due_on: object
    answer: str | None
    refusal_reason: str | None
    awaiting_code: bool
    files: list[RequestFile]
    files_until: datetime | None  # when the files are deleted
    files_deleted: bool  # the window passed: the files are gone (or about to be)


def centre_request(desk: RequestDesk, reference: str, token: str | None, requests_dir: Path,
                   available_for: timedelta) -> CentreRequest:
    """Status, due date, answer and files; a wrong token answers like an unknown reference."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = authorised(uow, reference, token)
        final = request.status.is_final
        due = request.due_on if final else deadline_of(uow, desk, request).due(desk.today())
        answer = uow.requests.result(request) if request.status is RequestStatus.answered else None
    until = request.answered_at + available_for if request.answered_at else None
    expired = until is not None and desk.now() >= until
    files = [] if expired or request.status is not RequestStatus.answered else request_files(
        requests_dir, request.id, desk.store.files, request.subject_id)
    return CentreRequest(request.reference, request.right.value, request.status.value, request.language,
                         request.received_at.date(), due, answer,
                         request.refusal_reason if request.status is RequestStatus.refused else None,
                         request.status is RequestStatus.awaiting_code, files, until, expired)


def open_request_file(desk: RequestDesk, reference: str, token: str | None, name: str, requests_dir: Path,
                      available_for: timedelta) -> tuple[RequestFile, Iterator[bytes]]:
    """One file of the request and its content (opened with the person's key a chunk at a time), if
    the token is right, the request answered, the window open and the person's key not destroyed."""
    view = centre_request(desk, reference, token, requests_dir, available_for)
    for file in view.files:
        if file.name == name:
            return file, desk.store.files.chunks(file.path, file.subject_id)
    raise NotFoundError(NOT_FOUND)


def staff_request_files(desk: RequestDesk, reference: str, requests_dir: Path) -> list[RequestFile]:
    """The files of a request that still open, for staff (``egide request file``): by reference."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
    if request is None:
        raise NotFoundError(f"no request {reference!r}")
    return request_files(requests_dir, request.id, desk.store.files, request.subject_id)


def staff_open_file(desk: RequestDesk, reference: str, name: str, requests_dir: Path) -> Iterator[bytes]:
    """One file of a request opened by staff with the person's key: the opening is an audit event
    (the file's name, never its content). Its key destroyed: NotFoundError saying so."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
    if request is None:
        raise NotFoundError(f"no request {reference!r}")
    every = request_files(requests_dir, request.id)
    for file in every:
        if file.name == name or file.path.name == name:
            content = desk.store.files.chunks(file.path, request.subject_id)
            with desk.store.unit_of_work() as uow:
                uow.audit.record(AuditEvent("request.file_opened", desk.actor, OBJECT_TYPE, request.id,
                                            {"reference": reference, "file": file.name}))
            return content
    names = ", ".join(f.name for f in every) or "none"
    raise NotFoundError(f"{reference} has no file {name!r} (its files: {names})")


@dataclass(frozen=True)
class ExportPurge:
    requests: int
    files: int


def purge_expired_exports(store: StorePort, requests_dir: Path, available_for: timedelta,
                          actor: str = "job:privacy_centre.purge_exports") -> ExportPurge:
    """Delete the reports and exports of requests answered (or refused) more than ``available_for`` ago,
    and at once those of a person whose key an erasure destroyed (they no longer open anyway).
    Reads the files present (the work is bounded by them, not by the requests table); one audit event
    per request whose files go, recorded in the same transaction that decides it."""
    by_request: dict[str, list[Path]] = defaultdict(list)
    if requests_dir.is_dir():
        for folder in (p for p in requests_dir.iterdir() if p.is_dir()):
            for path in folder.iterdir():
                match = _FILE.match(path.name)
                if match:
                    by_request[match.group(2)].append(path)
    now = naive_utc(store.clock.now())
    deleted_requests = deleted_files = 0
    for request_id, paths in sorted(by_request.items()):
        with store.unit_of_work() as uow:
            request = uow.requests.by_id(request_id)
            if request is not None and not request.status.is_final:
                continue  # still running: its files are being written
            ended = request.answered_at if request is not None else None
            shredded = request is not None and uow.subject_keys.destroyed_at(request.subject_id) is not None  # type: ignore[attr-defined]
            if ended is not None and ended + available_for > now and not shredded:
                continue  # answered, still within the window (a refused request has no files to keep)
            for path in paths:
                path.unlink(missing_ok=True)
            uow.audit.record(AuditEvent("request.export_deleted", actor, OBJECT_TYPE, request_id, {
                "reference": request.reference if request else None, "files": len(paths),
                "available_days": available_for.days,
                "reason": "key_destroyed" if shredded and ended and ended + available_for > now else "expired"}))
        deleted_requests += 1
        deleted_files += len(paths)
    return ExportPurge(deleted_requests, deleted_files)


@dataclass(frozen=True)
class Preference:
    purpose: str  # a data-use key or cookie:<category>
    status: str  # valid | refused | withdrawn | expired | none...
    since: datetime | None
    expires_at: datetime | None
    register_version: str | None

    @property
    def withdrawable(self) -> bool:
        return self.status == ConsentStatus.valid.value


def check_browser_id(browser_id: str | None) -> str:
    if not browser_id or not BROWSER_ID.match(browser_id):
        raise InvalidInputError("no choice was recorded from this browser yet",
                                problems=[Problem("the banner's browser id is missing or malformed", "browser_id")])
    return browser_id


def preferences(store: StorePort, active: ActiveRegister, browser_id: str | None = None,
                subject_id: str | None = None) -> list[Preference]:
    """The current state of every consent purpose and cookie category for this browser (or this
    verified data subject)."""
    browsers = [check_browser_id(browser_id)] if subject_id is None else []
    states = consent_overview(store, active, browser_ids=browsers, subject_ids=[subject_id] if subject_id else [])
    rows = []
    for purpose, state in states.items():
        event = state.decided_by
        rows.append(Preference(purpose, state.status.value, event.at if event else None, state.expires_at,
                               event.register_version if event else None))
    return rows


def withdraw_preference(store: StorePort, active: ActiveRegister, browser_id: str | None, purpose: str,
                        proof: ConsentProof, on_change: Callable[..., None] | None = None,
                        subject_id: str | None = None) -> str:
    """Withdraw one given consent of this browser (or verified data subject); returns the choice id.
    Nothing in force to withdraw: ConflictError."""
    current = {p.purpose: p for p in preferences(store, active, browser_id, subject_id)}
    if purpose not in current:
        raise InvalidInputError(f"unknown purpose {purpose!r}", problems=[Problem("not in the register", "purpose")])
    if not current[purpose].withdrawable:
        raise ConflictError(f"there is no consent in force to withdraw for {purpose!r}")
    recorded = record_choice(store, active, choices={purpose: False}, proof=proof, actor="data_subject:centre",
                             browser_id=browser_id if subject_id is None else None, subject_id=subject_id,
                             on_change=on_change)
    return recorded.choice_id


def verified_subject(desk: RequestDesk, reference: str, token: str | None) -> str | None:
    """The data subject of a request whose requester proved their identity (code, agent or document),
    seen through its status link; None while not verified or once refused. Wrong token: NotFoundError."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = authorised(uow, reference, token)
    if request.identity_verified_at is None or request.status is RequestStatus.refused:
        return None
    return request.subject_id


def centre_proof(active: ActiveRegister, ip_truncated: str | None, user_agent: str | None,
                 language: str | None) -> ConsentProof:
    return ConsentProof(channel=ConsentChannel.form, register_version=active.sha256, ip_truncated=ip_truncated,
                        user_agent=user_agent, language=language)
