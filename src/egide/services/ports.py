"""What the services need from the outside, as protocols. The store adapter implements them;
unit tests may pass fakes."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Iterator, Protocol

from egide.domain.audit import AuditEvent, ChainedEvent
from egide.domain.clock import Clock
from egide.domain.identity import Identifier
from egide.domain.records import DataSubject, RegisterVersion


class RegisterVersionsPort(Protocol):
    def by_sha256(self, sha256: str) -> RegisterVersion | None: ...
    def active(self) -> RegisterVersion | None: ...
    def content(self, version_id: int) -> str: ...
    def add(self, *, sha256: str, label: str, controller_name: str, effective_date: date | None, content: str,
            source_file: str | None, at: datetime, by: str) -> RegisterVersion: ...
    def activate(self, version_id: int, *, at: datetime, by: str, notice_change: str) -> None: ...
    def last_major_change_at(self) -> datetime | None: ...


class DataSubjectsPort(Protocol):
    def add(self, identifiers: list[Identifier], at: datetime) -> DataSubject: ...
    def find(self, identifier: Identifier) -> list[DataSubject]: ...


class AuditTrailPort(Protocol):
    def record(self, event: AuditEvent) -> None: ...
    def flush(self) -> list[ChainedEvent]: ...
    def head(self) -> tuple[int, str] | None: ...
    def events(self, batch: int = 5000) -> Iterator[ChainedEvent]: ...


class UnitOfWorkPort(Protocol):
    registers: RegisterVersionsPort
    subjects: DataSubjectsPort
    audit: AuditTrailPort


class StorePort(Protocol):
    clock: Clock

    def unit_of_work(self, read_only: bool = False) -> AbstractContextManager[UnitOfWorkPort]: ...
