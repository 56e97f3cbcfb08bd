"""What the store holds, as plain domain records (rows are mapped to these explicitly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from egide.domain.identity import Identifier


@dataclass(frozen=True)
class RegisterVersion:
    id: int
    sha256: str
    label: str
    controller_name: str
    effective_date: date | None
    stored_at: datetime
    stored_by: str
    activated_at: datetime | None
    activated_by: str | None
    is_active: bool
    source_file: str | None = None


@dataclass(frozen=True)
class DataSubject:
    id: str
    created_at: datetime
    identifiers: tuple[Identifier, ...] = field(default_factory=tuple)
