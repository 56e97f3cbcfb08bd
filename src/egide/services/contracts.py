"""Contracts with a data subject (art. 6(1)(b)): started and ended, so the decision point can tell
whether a purpose that needs a live contract (`requires_live_contract` in the register) may run."""

from __future__ import annotations

import difflib

from egide.domain.audit import AuditEvent
from egide.domain.errors import InvalidInputError, NotFoundError, Problem
from egide.domain.identity import Identifier
from egide.services.active_register import ActiveRegister
from egide.services.ports import StorePort as Store
from egide.services.subjects import find_or_register


def start_contract(store: Store, active: ActiveRegister, identifier: Identifier, activity: str, actor: str) -> str:
    """The person entered a contract for this register activity; returns the contract's id."""
    known = [a.key for a in active.loaded.register.activities]
    if activity not in known:
        match = difflib.get_close_matches(activity, known, n=1, cutoff=0.6)
        raise InvalidInputError(f"no activity {activity!r} in the active register", problems=[
            Problem(f"did you mean {match[0]!r}?" if match else f"one of: {', '.join(known)}", path="activity")])
    subject = find_or_register(store, identifier, actor)
    with store.unit_of_work() as uow:
        contract_id = uow.states.start_contract(subject.id, activity, store.clock.now())  # type: ignore[attr-defined]
        uow.audit.record(AuditEvent("contract.started", actor, "data_subject", subject.id,
                                    {"contract_id": contract_id, "activity": activity}))
    return contract_id


def end_contract(store: Store, contract_id: str, actor: str) -> None:
    """The contract ended (its retention clock `contract_end` starts now)."""
    with store.unit_of_work() as uow:
        if not uow.states.end_contract(contract_id.strip(), store.clock.now()):  # type: ignore[attr-defined]
            raise NotFoundError(f"no running contract {contract_id!r}")
        uow.audit.record(AuditEvent("contract.ended", actor, "contract", contract_id.strip(), {}))
