"""Use cases around the register: check files, store and activate a version."""

from __future__ import annotations

from dataclasses import dataclass

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError
from egide.domain.records import RegisterVersion
from egide.register.lint import Finding, Severity, lint_register
from egide.register.diff import diff_registers, is_major
from egide.register.loader import LoadedRegister, parse_register
from egide.services.ports import StorePort as Store


@dataclass(frozen=True)
class Activation:
    version: RegisterVersion
    previous: RegisterVersion | None
    changed: bool
    findings: list[Finding]


def activate_register(store: Store, loaded: LoadedRegister, actor: str, strict: bool = False) -> Activation:
    """Store a validated register (if new) and make it the active version, with audit events in
    the same transaction. A register that did not validate never reaches this function, so an
    invalid file changes nothing. With ``strict``, error-level findings refuse the activation."""
    findings = lint_register(loaded)
    errors = [f for f in findings if f.severity is Severity.error]
    if strict and errors:
        raise ConflictError(
            f"{loaded.file}: {len(errors)} error-level finding(s); not activated (--strict)",
            details={"findings": [f.as_dict() for f in errors]})
    policy = loaded.register.policy
    now = store.clock.now()
    with store.unit_of_work() as uow:
        previous = uow.registers.active()
        version = uow.registers.by_sha256(loaded.sha256)
        if version is not None and version.is_active:
            return Activation(version, previous, False, findings)
        if version is None:
            version = uow.registers.add(
                sha256=loaded.sha256, label=policy.version, controller_name=loaded.register.controller.name,
                effective_date=policy.effective_date, content=loaded.text, source_file=loaded.file,
                at=now, by=actor)
            uow.audit.record(AuditEvent("register.version_stored", actor, "register_version", loaded.sha256,
                                        {"label": policy.version, "version_id": version.id}))
        notice_change = _notice_change(uow.registers.content(previous.id) if previous else None, loaded)
        uow.registers.activate(version.id, at=now, by=actor, notice_change=notice_change)
        uow.audit.record(AuditEvent(
            "register.activated", actor, "register_version", loaded.sha256,
            {"label": policy.version, "version_id": version.id, "notice_change": notice_change,
             "previous": previous.sha256 if previous else None,
             "findings": {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}}))
        active = uow.registers.active()
    assert active is not None
    return Activation(active, previous, True, findings)


def _notice_change(previous_text: str | None, loaded: LoadedRegister) -> str:
    """first, major (people must be told; consents given before are asked again) or minor."""
    if previous_text is None:
        return "first"
    previous = parse_register(previous_text, "previous active register").register
    return "major" if is_major(diff_registers(previous, loaded.register)) else "minor"
