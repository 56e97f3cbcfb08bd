"""Verify the audit trail's hash chain."""

from __future__ import annotations

from egide.domain.audit import ChainReport, verify_chain
from egide.services.ports import StorePort as Store


def verify_audit_trail(store: Store) -> ChainReport:
    with store.unit_of_work() as uow:
        return verify_chain(uow.audit.events(), uow.audit.head())
