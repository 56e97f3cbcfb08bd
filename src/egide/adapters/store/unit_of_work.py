"""One transaction, its repositories and its audit trail: state and its audit event commit
together or not at all."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from egide.adapters.keyring import Keyring
from egide.adapters.store.consent_repositories import ConsentLedger, MarketingLists, PendingActions, SubjectStates
from egide.adapters.store.repositories import AuditTrail, DataSubjects, RegisterVersions
from egide.domain.clock import Clock
from egide.domain.errors import StoreError


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


class Store:
    def __init__(self, engine: Engine, keyring: Keyring, clock: Clock) -> None:
        self.engine = engine
        self.keyring = keyring
        self.clock = clock

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.begin() as connection:
                yield UnitOfWork(
                    connection=connection,
                    registers=RegisterVersions(connection),
                    subjects=DataSubjects(connection, self.keyring),
                    audit=AuditTrail(connection, self.clock),
                    consents=ConsentLedger(connection),
                    lists=MarketingLists(connection, self.keyring),
                    states=SubjectStates(connection),
                    pending=PendingActions(connection),
                )
        except DBAPIError as exc:
            raise StoreError(f"the store failed: {exc.orig}", details={"statement": exc.statement}) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"the store failed: {exc}") from exc
