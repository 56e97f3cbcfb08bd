"""From the register to what the decision point needs about each purpose."""

from __future__ import annotations

from egide.domain.decisions import PurposePolicy
from egide.domain.durations import Duration
from egide.register.model import LegalBasis, Register

# When several activities declare one purpose on different bases, the decision point applies
# the one that asks most of the controller: consent first, then a contract, then the rest.
_STRICTNESS = [LegalBasis.consent, LegalBasis.contract, LegalBasis.legitimate_interests,
               LegalBasis.legal_obligation, LegalBasis.public_task, LegalBasis.vital_interests]


def purpose_policies(register: Register) -> dict[str, PurposePolicy]:
    chosen: dict[str, PurposePolicy] = {}
    for activity in register.activities:
        for purpose in activity.purposes:
            remember = purpose.consent.remember_for if purpose.consent else None
            if remember is None and register.cookie_policy and purpose.legal_basis is LegalBasis.consent:
                remember = register.cookie_policy.remember_choice_for
            policy = PurposePolicy(
                purpose=purpose.use,
                legal_basis=purpose.legal_basis.value,
                activity=activity.key,
                remember_for=Duration.parse(remember or "P6M"),
                requires_live_contract=purpose.requires_live_contract,
                soft_opt_in=bool(purpose.consent and purpose.consent.soft_opt_in),
            )
            current = chosen.get(purpose.use)
            if current is None or (_STRICTNESS.index(LegalBasis(policy.legal_basis))
                                   < _STRICTNESS.index(LegalBasis(current.legal_basis))):
                chosen[purpose.use] = policy
    return chosen
