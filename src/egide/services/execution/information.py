"""The art. 15(1) information owed with a copy of the person's data, derived from the register
and limited to the activities whose tables or logs hold their data: purposes and legal bases,
categories, recipients, retention periods, sources, rights, the authority, automated decisions,
transfers outside the EEA and their safeguards.

Two forms: a JSON-ready dictionary with the register's keys (for machines), and the notice's own
view (:func:`egide.notice.render.build_notice`) of a register cut down to those activities, for
the readable report, so the words are those of the published notice.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from egide.notice.render import build_notice
from egide.services.execution.memo import IdentityCache
from egide.notice.view import NoticeView
from egide.register.model import ARTICLE_6, DataSource, Register


def concerned(register: Register, activity_keys: Iterable[str]) -> Register:
    """The register with only the given activities, their retention rules and recipients (no cookies)."""
    keys = set(activity_keys)
    activities = [a for a in register.activities if a.key in keys]
    retention = [r.model_copy(update={"activities": [k for k in r.activities if k in keys]})
                 for r in register.retention if set(r.activities) & keys]
    used = {k for a in activities for k in a.recipients} | {t.recipient for a in activities for t in a.transfers}
    recipients = [r for r in register.recipients if r.key in used]
    return register.model_copy(update={"activities": activities, "retention": retention, "recipients": recipients,
                                       "cookies": [], "cookie_policy": None})


def information(register: Register, activity_keys: Iterable[str]) -> dict[str, Any]:
    """The art. 15(1)(a)-(h) and 15(2) information, with the register's keys."""
    cut = concerned(register, activity_keys)
    authority = register.supervisory_authority
    return {
        "controller": {"name": register.controller.name, "address": register.controller.address,
                       "email": register.controller.email},
        "dpo": register.dpo.model_dump(exclude_none=True, exclude={"source_quote"}) if register.dpo else None,
        "purposes": [{"activity": a.key, "activity_name": a.name, "use": p.use, "legal_basis": p.legal_basis.value,
                      "article": ARTICLE_6[p.legal_basis], "legitimate_interest": p.legitimate_interest,
                      "legal_reference": p.legal_reference} for a in cut.activities for p in a.purposes],
        "categories": [{"activity": a.key, "category": c.key, "source": c.source.value,
                        "source_name": c.source_name, "stored": c.stored}
                       for a in cut.activities for c in a.data_categories],
        "recipients": [{"key": r.key, "name": r.name, "kind": r.kind.value, "country": r.country}
                       for r in cut.recipients],
        "retention": [{"rule": r.key, "activities": r.activities, "categories": r.categories,
                       "duration": r.duration, "clock": r.clock.value if r.clock else None,
                       "action": r.action.value, "archive_for": r.archive_for,
                       "legal_basis": r.legal_basis.value if r.legal_basis else None,
                       "legal_reference": r.legal_reference,
                       "while_open": r.while_open.value if r.while_open else None} for r in cut.retention],
        "sources": [{"activity": a.key, "category": c.key, "source": c.source.value, "source_name": c.source_name}
                    for a in cut.activities for c in a.data_categories if c.source is not DataSource.provided],
        "rights": [r.value for r in register.rights.offered],
        "complaint": {"authority": authority.name if authority else None,
                      "url": authority.url if authority else None,
                      "country": authority.country if authority else None},
        "automated_decisions": [{"activity": a.key, "key": d.key, "description": d.description, "logic": d.logic,
                                 "significance": d.significance}
                                for a in cut.activities for d in a.automated_decisions],
        "transfers": [{"activity": a.key, "country": t.country, "recipient": t.recipient,
                       "safeguard": t.safeguard.value if t.safeguard else None, "reference": t.reference,
                       "categories": t.categories} for a in cut.activities for t in a.transfers],
    }


def information_view(register: Register, activity_keys: Iterable[str], lang: str) -> NoticeView:
    """The same information in the notice's words, in ``lang`` (fr or en)."""
    return build_notice(concerned(register, activity_keys), lang)


_KEPT = IdentityCache(256)  # a few entries per register version


def kept(form: Callable[..., Any], register: Register, activity_keys: Iterable[str], *args: Any) -> Any:
    """``form(register, activity_keys, *args)`` computed once per register object and set of activities:
    the same for every person whose data those activities hold (the result is not to be changed)."""
    keys = tuple(sorted(activity_keys))
    return _KEPT.get((register,), (form.__name__, keys, *args), lambda: form(register, keys, *args))
