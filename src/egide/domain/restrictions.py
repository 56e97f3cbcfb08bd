"""A restriction's lift announced to the person (GDPR art. 18(3)): it happens on ``lift_on`` at the
earliest, and only once the notice telling the person was delivered. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class RestrictionLift:
    id: str
    restriction_id: str
    request_id: str
    notice_id: str  # the notice to the person: it must be delivered before the lift
    reason: str
    announced_at: datetime
    lift_on: date
    lifted_at: datetime | None = None
