"""One transaction, its repositories and its audit trail: state and its audit event commit
together or not at all."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from egide.adapters.keyring import Keyring
from egide.adapters.sealed_files import SealedFiles
from egide.adapters.store.account_repositories import AccountRecords
from egide.adapters.store.breach_repositories import AuditAnchors, BreachRecords
from egide.adapters.store.consent_repositories import ConsentLedger, MarketingLists, PendingActions, SubjectStates
from egide.adapters.store.execution_repositories import ExecutionRecords
from egide.adapters.store.recipient_repositories import RecipientNotices, WebhookCalls
from egide.adapters.store.repositories import AuditTrail, DataSubjects, RegisterVersions
from egide.adapters.store.request_repositories import DataSubjectRequests, NoticeOutbox
from egide.adapters.store.task_repositories import Fees, RestrictionLifts, Tasks
from egide.adapters.store.recontact_repositories import RecontactContacts
from egide.adapters.store.repositories import AuditTrail, DataSubjects, RegisterVersions
from egide.adapters.store.request_repositories import DataSubjectRequests, NoticeOutbox
from egide.adapters.store.retention_repositories import RetentionRecords
from egide.adapters.store.subject_key_repositories import SubjectKeys
from egide.domain.clock import Clock
from egide.domain.errors import ConflictError, StoreError


@dataclass
class UnitOfWork:
    connection: Connection
    registers: RegisterVersions
    subjects: DataSubjects
    audit: AuditTrail
    consents: ConsentLedger
    lists: MarketingLists
    states: SubjectStates
    pending: PendingActions
    requests: DataSubjectRequests
    notices: NoticeOutbox
    execution: ExecutionRecords
    tasks: Tasks
    fees: Fees
    restriction_lifts: RestrictionLifts
    recipient_notices: RecipientNotices
    webhook_calls: WebhookCalls
    retention: RetentionRecords
    recontacts: RecontactContacts
    staff: AccountRecords
    subject_keys: SubjectKeys
    breaches: BreachRecords
    audit_anchors: AuditAnchors


class Store:
    def __init__(self, engine: Engine, keyring: Keyring, clock: Clock) -> None:
        self.engine = engine
        self.keyring = keyring
        self.clock = clock
        self.files = SealedFiles(self)  # the person's files (reports, exports) sealed with their key

    @contextmanager
    def unit_of_work(self, read_only: bool = False) -> Iterator[UnitOfWork]:
        """A transaction: committed when the block ends, rolled back if it raises. ``read_only``
        promises no write (SQLite then does not take the write lock)."""
        try:
            with self.engine.connect() as bare, bare.execution_options(egide_read_only=read_only).begin():
                connection = bare
                audit = AuditTrail(connection, self.clock)
                keys = SubjectKeys(connection, self.keyring)
                yield UnitOfWork(
                    connection=connection,
                    registers=RegisterVersions(connection),
                    subjects=DataSubjects(connection, self.keyring),
                    audit=audit,
                    consents=ConsentLedger(connection, keys),
                    lists=MarketingLists(connection, self.keyring),
                    states=SubjectStates(connection),
                    pending=PendingActions(connection),
                    requests=DataSubjectRequests(connection, self.keyring),
                    notices=NoticeOutbox(connection, self.keyring),
                    execution=ExecutionRecords(connection, self.keyring),
                    tasks=Tasks(connection, self.keyring),
                    fees=Fees(connection),
                    restriction_lifts=RestrictionLifts(connection),
                    recipient_notices=RecipientNotices(connection, self.keyring),
                    webhook_calls=WebhookCalls(connection, self.keyring),
                    retention=RetentionRecords(connection),
                    recontacts=RecontactContacts(connection, self.keyring),
                    staff=AccountRecords(connection),
                    subject_keys=keys,
                    breaches=BreachRecords(connection),
                    audit_anchors=AuditAnchors(connection),
                )
                audit.flush()  # the chain is extended last, just before the commit
        except IntegrityError as exc:
            raise ConflictError(f"the store refused a duplicate: {exc.orig}") from exc
        except DBAPIError as exc:
            raise StoreError(f"the store failed: {exc.orig}", details={"statement": exc.statement}) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"the store failed: {exc}") from exc
