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
    with store.unit_of_work(read_only=True) as uow:
        return uow.subjects.find(identifier)


def find_or_register(store: Store, identifier: Identifier, actor: str) -> DataSubject:
    """The one data subject holding this identifier, registered if unknown. Several subjects sharing
    it (a family phone) is ambiguous: the caller must use another identifier."""
    from egide.domain.errors import ConflictError

    found = find_data_subjects(store, identifier)
    if len(found) > 1:
        raise ConflictError(f"{len(found)} data subjects share this {identifier.kind.value}: use another identifier")
    return found[0] if found else register_data_subject(store, [identifier], actor)


def restrict_processing(store: Store, identifier: Identifier, reason: str, purposes: list[str], actor: str) -> str:
    """Art. 18: mark the person restricted (every purpose, or some) with the reason."""
    subject = find_or_register(store, identifier, actor)
    with store.unit_of_work() as uow:
        restriction_id = uow.states.restrict(subject.id, purposes, reason, store.clock.now())  # type: ignore[attr-defined]
        uow.audit.record(AuditEvent("restriction.started", actor, "data_subject", subject.id,
                                    {"restriction_id": restriction_id, "purposes": purposes, "reason": reason}))
    return restriction_id


def lift_restriction(store: Store, restriction_id: str, reason: str, actor: str) -> None:
    from egide.domain.errors import NotFoundError

    with store.unit_of_work() as uow:
        if not uow.states.lift_restriction(restriction_id, reason, store.clock.now()):  # type: ignore[attr-defined]
            raise NotFoundError(f"no active restriction {restriction_id}")
        uow.audit.record(AuditEvent("restriction.lifted", actor, "restriction", restriction_id, {"reason": reason}))


def record_objection(store: Store, identifier: Identifier, purpose: str, actor: str) -> str:
    """Art. 21(1): an objection to a legitimate-interest purpose, upheld until a DPO records compelling grounds."""
    subject = find_or_register(store, identifier, actor)
    with store.unit_of_work() as uow:
        objection_id = uow.states.object(subject.id, purpose, store.clock.now())  # type: ignore[attr-defined]
        uow.audit.record(AuditEvent("objection.received", actor, "data_subject", subject.id,
                                    {"objection_id": objection_id, "purpose": purpose}))
    return objection_id
