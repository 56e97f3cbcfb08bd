"""Data subjects known to Egide: registered with their identifiers, found by any of them."""

from __future__ import annotations

from egide.domain.audit import AuditEvent
from egide.domain.identity import Identifier
from egide.domain.records import DataSubject
from egide.services.ports import StorePort as Store


def register_data_subject(store: Store, identifiers: list[Identifier], actor: str) -> DataSubject:
    with store.unit_of_work() as uow:
        subject = uow.subjects.add(identifiers, store.clock.now())
        uow.audit.record(AuditEvent("data_subject.registered", actor, "data_subject", subject.id,
                                    {"identifier_kinds": sorted(i.kind.value for i in identifiers)}))
        return subject


def find_data_subjects(store: Store, identifier: Identifier) -> list[DataSubject]:
    with store.unit_of_work() as uow:
        return uow.subjects.find(identifier)
