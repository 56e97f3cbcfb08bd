"""The active register, parsed once per version and shared by the services that read it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from egide.domain.decisions import PurposePolicy
from egide.domain.records import RegisterVersion
from egide.register.loader import LoadedRegister, parse_register
from egide.register.model import LegalBasis
from egide.register.policies import purpose_policies
from egide.services.ports import StorePort

COOKIE_PREFIX = "cookie:"


@dataclass(frozen=True)
class ActiveRegister:
    version: RegisterVersion
    loaded: LoadedRegister
    policies: dict[str, PurposePolicy]
    cookie_categories: frozenset[str]
    major_change_at: object = None  # datetime | None

    @property
    def sha256(self) -> str:
        return self.version.sha256

    def consent_purposes(self) -> list[str]:
        purposes = [p for p, policy in self.policies.items() if policy.legal_basis == LegalBasis.consent.value]
        return purposes + [COOKIE_PREFIX + c for c in sorted(self.cookie_categories)]

    def knows(self, purpose: str) -> bool:
        if purpose.startswith(COOKIE_PREFIX):
            return purpose[len(COOKIE_PREFIX):] in self.cookie_categories
        return purpose in self.policies

    def policy(self, purpose: str) -> PurposePolicy | None:
        """Cookie categories are consent purposes unless every cookie in them is exempt."""
        if purpose.startswith(COOKIE_PREFIX):
            category = purpose[len(COOKIE_PREFIX):]
            if category not in self.cookie_categories:
                return None
            cookies = [c for c in self.loaded.register.cookies if c.category.value == category]
            exempt = all(c.exempt for c in cookies)
            policy_ = self.loaded.register.cookie_policy
            from egide.domain.durations import Duration

            remember = Duration.parse(policy_.remember_choice_for if policy_ else "P6M")
            return PurposePolicy(purpose, "legitimate_interests" if exempt else "consent", "cookies", remember)
        return self.policies.get(purpose)


@dataclass
class RegisterCache:
    """Re-reads the store's active version at most every ``check_every`` seconds."""

    store: StorePort
    check_every: float = 1.0
    _current: ActiveRegister | None = None
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> ActiveRegister | None:
        now = time.monotonic()
        if self._current is not None and now - self._checked_at < self.check_every:
            return self._current
        with self._lock:
            with self.store.unit_of_work(read_only=True) as uow:
                version = uow.registers.active()
                if version is None:
                    self._current = None
                elif self._current is None or self._current.sha256 != version.sha256:
                    loaded = parse_register(uow.registers.content(version.id), f"register {version.label}")
                    register = loaded.register
                    self._current = ActiveRegister(
                        version, loaded, purpose_policies(register),
                        frozenset(c.category.value for c in register.cookies),
                        uow.registers.last_major_change_at())
            self._checked_at = now
            return self._current

    def current(self) -> ActiveRegister | None:
        """The register as last read, without touching the store (for hot paths); get() refreshes."""
        if time.monotonic() - self._checked_at >= self.check_every:
            return self.get()
        return self._current

    def refresh(self) -> ActiveRegister | None:
        self._checked_at = 0.0
        return self.get()
