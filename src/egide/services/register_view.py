"""The register as the console shows it: the active version with its lint findings, the stored
versions, the diff between two of them, and a new version previewed before it is activated.

Activation itself is ``registers.activate_register``. The major-change flow: a preview says
whether the new version is a first, minor or major change against the active one; a major change
(people must be told before it applies, consents given before are asked again) comes with the
"what changed" notice in the register's language, and :func:`activate_text` refuses it until the
DPO confirms they read that notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.domain.records import RegisterVersion
from egide.register.diff import Change, diff_registers, is_major
from egide.register.lint import Finding, lint_register
from egide.register.loader import LoadedRegister, parse_register
from egide.services.registers import Activation, activate_register

MAX_REGISTER_TEXT = 2_000_000


@dataclass
class RegisterOverview:
    active: RegisterVersion | None
    content: str | None
    findings: list[Finding] = field(default_factory=list)
    versions: list[RegisterVersion] = field(default_factory=list)


def register_overview(store: Any) -> RegisterOverview:
    with store.unit_of_work(read_only=True) as uow:
        active = uow.registers.active()
        content = uow.registers.content(active.id) if active else None
        versions = sorted(uow.registers.all(), key=lambda v: v.id, reverse=True)
    findings = lint_register(parse_register(content, f"version {active.label}")) if active and content else []
    return RegisterOverview(active, content, findings, versions)


def _loaded(uow: Any, version_id: int) -> LoadedRegister:
    versions = {v.id: v for v in uow.registers.all()}
    if version_id not in versions:
        raise NotFoundError(f"no register version {version_id}: the versions page lists them")
    return parse_register(uow.registers.content(version_id), f"version {versions[version_id].label}")


def compare_versions(store: Any, old_id: int, new_id: int) -> list[Change]:
    """What changed from one stored version to another, major changes first."""
    with store.unit_of_work(read_only=True) as uow:
        old, new = _loaded(uow, old_id), _loaded(uow, new_id)
    changes = diff_registers(old.register, new.register)
    return sorted(changes, key=lambda c: (c.impact.value != "major", c.kind, c.path))


@dataclass
class Preview:
    loaded: LoadedRegister
    findings: list[Finding]
    change: str  # first | major | minor | same
    changes: list[Change]
    notice_text: str | None  # the "what changed" notice of a major change, in the register's language


def preview_text(store: Any, text: str, name: str = "pasted register") -> Preview:
    """Validate a register's text (every problem named with its line) and say what activating it would do."""
    if not text.strip():
        raise InvalidInputError("the register is empty", problems=[Problem("paste the register's YAML", path="text")])
    if len(text) > MAX_REGISTER_TEXT:
        raise InvalidInputError("the register is too long",
                                problems=[Problem(f"at most {MAX_REGISTER_TEXT} characters", path="text")])
    loaded = parse_register(text.replace("\r\n", "\n"), name)
    findings = lint_register(loaded)
    with store.unit_of_work(read_only=True) as uow:
        active = uow.registers.active()
        previous = parse_register(uow.registers.content(active.id), "active register") if active else None
    if active is not None and active.sha256 == loaded.sha256:
        return Preview(loaded, findings, "same", [], None)
    if previous is None:
        return Preview(loaded, findings, "first", [], None)
    changes = diff_registers(previous.register, loaded.register)
    if not is_major(changes):
        return Preview(loaded, findings, "minor", changes, None)
    from egide.notice.changes import render_changes

    notice = render_changes(previous.register, loaded.register, loaded.register.policy.language, "txt")
    return Preview(loaded, findings, "major", changes, notice)


def activate_text(store: Any, text: str, actor: str, *, major_confirmed: bool,
                  name: str = "pasted register") -> Activation:
    """Activate a register's text; a major change only once ``major_confirmed``."""
    preview = preview_text(store, text, name)
    if preview.change == "major" and not major_confirmed:
        raise ConflictError("a major change: read the change notice and confirm that people will be told",
                            details={"changes": [c.as_dict() for c in preview.changes if c.impact.value == "major"]})
    return activate_register(store, preview.loaded, actor)
