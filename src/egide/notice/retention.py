"""The notice's answer to "how long do you keep my data?": one table for the whole register.

Each rule with a period becomes a row (which data, how long and from when, what happens at the
end, why that long); each rule that keeps data while an event is open becomes a hold sentence;
activities that no rule covers are named, so the gap shows instead of hiding.
"""

from __future__ import annotations

from egide.domain.durations import Duration
from egide.notice import vocabulary as v
from egide.notice.taxonomy_labels import taxonomy_label
from egide.notice.view import RetentionView
from egide.register.model import Register, RetentionAction, RetentionClock, RetentionRule


def build_retention(register: Register, lang: str) -> tuple[list[RetentionView], list[str], list[str]]:
    """(rows, holds, names of activities without any rule)."""
    rows = [_row(register, rule, lang) for rule in register.retention if rule.duration is not None]
    holds = [_hold(register, rule, lang) for rule in register.retention if rule.while_open is not None]
    covered = {key for rule in register.retention for key in rule.activities}
    without = [a.name for a in register.activities if a.key not in covered]
    return rows, holds, without


def rule_data(register: Register, rule: RetentionRule, lang: str) -> str:
    """'Newsletter', 'Évaluation du crédit — coordonnées (pour les prospects)'."""
    names = [a.name for key in rule.activities if (a := register.activity(key))]
    text = " ; ".join(names) if lang == "fr" else "; ".join(names)
    if rule.categories:
        labels = [taxonomy_label("data_category", k, lang, register) for k in rule.categories]
        text += " — " + ", ".join(labels)
    if rule.data_subjects:
        subjects = [taxonomy_label("data_subject", s, lang, register) for s in rule.data_subjects]
        text += " (" + v.pick(("pour les ", "for "), lang) + ", ".join(subjects) + ")"
    return text


def period_words(rule: RetentionRule, lang: str) -> str:
    """'3 ans après la fin du contrat', 'Jusqu'à la fin du contrat', 'au moins 3 ans après votre opposition',
    'Aucune conservation après la collecte des données'."""
    assert rule.duration is not None and rule.clock is not None
    duration = Duration.parse(rule.duration)
    if duration.is_zero() and rule.clock is RetentionClock.collection:
        text = v.pick(("aucune conservation ", "not kept "), lang) + v.after_clock(rule.clock, lang)  # not "until"
    elif duration.is_zero():
        text = v.until_clock(rule.clock, lang)
    else:
        text = f"{v.duration_words(rule.duration, lang)} {v.after_clock(rule.clock, lang)}"
        if rule.minimum:
            text = v.pick(("au moins ", "at least "), lang) + text
    return text[:1].upper() + text[1:]


def end_words(rule: RetentionRule, lang: str) -> str:
    if rule.action is RetentionAction.archive and rule.archive_for:
        words = v.duration_words(rule.archive_for, lang)
        text = v.pick((f"archivées {words} (accès restreint), puis supprimées",
                       f"archived for {words} with restricted access, then deleted"), lang)
    else:
        text = v.pick(v.ACTIONS[rule.action], lang)
    return text[:1].upper() + text[1:]


def _reason(rule: RetentionRule, lang: str) -> str | None:
    parts = []
    if rule.legal_basis:
        parts.append(f"{v.legal_basis_label(rule.legal_basis, lang)} ({v.legal_basis_article(rule.legal_basis, lang)})")
    if rule.legal_reference:
        parts.append(rule.legal_reference)
    text = " — ".join(parts)
    return text[:1].upper() + text[1:] if text else None


def _note(rule: RetentionRule, lang: str) -> str | None:
    notes = []
    if rule.recontact:
        after = v.duration_words(rule.recontact.after, lang)
        notes.append(v.pick((f"Au bout de {after}, nous vous recontactons pour savoir si vous souhaitez que nous "
                             "gardions vos données.",
                             f"After {after}, we contact you to ask whether you want us to keep your data."), lang))
    if rule.aggregate_before_delete:
        notes.append(v.pick(("Seules des statistiques anonymes sont gardées ensuite.",
                             "Only anonymous statistics are kept afterwards."), lang))
    return " ".join(notes) or None


def _row(register: Register, rule: RetentionRule, lang: str) -> RetentionView:
    return RetentionView(
        data=rule_data(register, rule, lang),
        period=period_words(rule, lang),
        end=end_words(rule, lang),
        reason=_reason(rule, lang),
        note=_note(rule, lang),
    )


def _hold(register: Register, rule: RetentionRule, lang: str) -> str:
    assert rule.while_open is not None
    data = rule_data(register, rule, lang)
    kept = v.pick(("les données sont conservées", "the data is kept"), lang)
    beyond = v.pick((", même au-delà des durées ci-dessus", ", even beyond the periods above"), lang)
    separator = " : " if lang == "fr" else ": "
    return f"{data}{separator}{kept} {v.while_open(rule.while_open, lang)}{beyond}."
