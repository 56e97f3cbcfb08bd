"""The "what changed" notice: the differences between two registers, in plain words.

:func:`egide.register.diff.diff_registers` decides what changed and which changes are major
(people must be told before they apply); this module says each change to the people concerned,
in their language, naming activities, data and recipients as the full notice does. Major
changes come first. A change kind this module does not know is shown in the diff's own words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from egide.notice import vocabulary as v
from egide.notice.countries import country_name
from egide.notice.render import check_language
from egide.notice.retention import end_words, period_words, rule_data
from egide.notice.taxonomy_labels import taxonomy_label
from egide.notice.view import ChangesView, ChangeView
from egide.register.diff import Change, Impact, diff_registers
from egide.register.model import Activity, Register, RetentionRule, Right


def render_changes(old: Register, new: Register, lang: str, fmt: str = "html",
                   templates: Path | None = None) -> str:
    from egide.notice.templating import render_template

    return render_template("changes", fmt, build_changes(old, new, check_language(lang)), templates)


def build_changes(old: Register, new: Register, lang: str) -> ChangesView:
    check_language(lang)
    seen: set[tuple[str, str]] = set()
    views: list[ChangeView] = []
    texts: set[str] = set()
    for change in diff_registers(old, new):
        if (change.kind, change.path) in seen:
            continue  # one sentence says every change of a kind at one place
        seen.add((change.kind, change.path))
        for text in _say(change, old, new, lang):
            if text not in texts:
                texts.add(text)
                views.append(ChangeView(change.impact is Impact.major, text))
    policy = new.policy
    return ChangesView(
        lang=lang,
        title=v.pick(("Ce qui change dans notre politique de confidentialité",
                      "What is changing in our privacy notice"), lang),
        controller=new.controller.name,
        version=policy.version,
        effective_date=v.date_words(policy.effective_date, lang) if policy.effective_date
        else v.pick(("non datée", "undated"), lang),
        dated=policy.effective_date is not None,
        previous_version=old.policy.version,
        major=[c for c in views if c.major],
        minor=[c for c in views if not c.major],
    )


# --- one sentence per change ----------------------------------------------------------------

def _q(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def _activity(change: Change, register: Register) -> Activity | None:
    parts = change.path.split(".")
    return register.activity(parts[1]) if len(parts) > 1 and parts[0] == "activities" else None


def _rule(change: Change, register: Register) -> RetentionRule | None:
    key = change.path.split(".", 1)[1]
    return next((r for r in register.retention if r.key == key), None)


def _rule_period(rule: RetentionRule, lang: str) -> str:
    if rule.duration is not None:
        text = period_words(rule, lang)
        return text[:1].lower() + text[1:]
    assert rule.while_open is not None
    return v.while_open(rule.while_open, lang)


def _say(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    sayer = _SAYERS.get(change.kind)
    texts = sayer(change, old, new, lang) if sayer else None
    return texts if texts else [change.message]


def _controller(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    field = change.path.split(".")[1]
    label = {"name": ("Le responsable du traitement", "The controller"),
             "legal_form": ("Notre forme juridique", "Our legal form"),
             "registration": ("Notre immatriculation", "Our registration"),
             "address": ("Notre siège social", "Our registered office")}[field]
    before = getattr(old.controller, field) or v.pick(("non indiqué", "not stated"), lang)
    after = getattr(new.controller, field) or v.pick(("non indiqué", "not stated"), lang)
    return [v.pick((f"{label[0]} change : {after} (auparavant {before}).",
                    f"{label[1]} changes: {after} (previously {before})."), lang)]


def _dpo(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    email = new.dpo.email if new.dpo else None
    if email:
        return [v.pick((f"Notre délégué à la protection des données se joint désormais à l'adresse {email}.",
                        f"Our data protection officer can now be reached at {email}."), lang)]
    return [v.pick(("Nous n'indiquons plus d'adresse pour un délégué à la protection des données.",
                    "We no longer give an address for a data protection officer."), lang)]


def _authority(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    name = new.supervisory_authority.name if new.supervisory_authority else None
    if name:
        return [v.pick((f"L'autorité de contrôle que nous indiquons est désormais : {name}.",
                        f"The supervisory authority we name is now: {name}."), lang)]
    return [v.pick(("Nous ne nommons plus d'autorité de contrôle ; votre droit de réclamation reste entier.",
                    "We no longer name a supervisory authority; your right to complain is unchanged."), lang)]


def _activity_added(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a = _activity(change, new)
    if a is None:
        return []
    purposes = "; ".join(f"{taxonomy_label('data_use', p.use, lang, new)} "
                         f"({v.legal_basis_label(p.legal_basis, lang)}, {v.legal_basis_article(p.legal_basis, lang)})"
                         for p in a.purposes)
    return [v.pick((f"Nouveau traitement : {_q(a.name, lang)}. Finalités : {purposes}.",
                    f"New processing activity: {_q(a.name, lang)}. Purposes: {purposes}."), lang)]


def _activity_removed(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a = _activity(change, old)
    return [v.pick((f"Le traitement {_q(a.name, lang)} prend fin.",
                    f"The processing activity {_q(a.name, lang)} ends."), lang)] if a else []


def _purposes(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a_new, a_old = _activity(change, new), _activity(change, old)
    if a_new is None or a_old is None:
        return []
    before = {p.use: p for p in a_old.purposes}
    after = {p.use: p for p in a_new.purposes}
    name = _q(a_new.name, lang)
    texts = []
    for use in [u for u in after if u not in before] if change.kind == "purpose_added" else []:
        p = after[use]
        texts.append(v.pick(
            (f"{name} : nouvelle finalité — {taxonomy_label('data_use', use, lang, new)}, sur la base "
             f"« {v.legal_basis_label(p.legal_basis, lang)} » ({v.legal_basis_article(p.legal_basis, lang)}).",
             f"{name}: new purpose — {taxonomy_label('data_use', use, lang, new)}, on the basis of "
             f"{v.legal_basis_label(p.legal_basis, lang)} ({v.legal_basis_article(p.legal_basis, lang)})."), lang))
    for use in [u for u in before if u not in after] if change.kind == "purpose_removed" else []:
        texts.append(v.pick((f"{name} : nous abandonnons la finalité « {taxonomy_label('data_use', use, lang, old)} ».",
                             f"{name}: we stop {taxonomy_label('data_use', use, lang, old)}."), lang))
    for use in [u for u in after if u in before] if change.kind == "legal_basis_changed" else []:
        b_old, b_new = before[use].legal_basis, after[use].legal_basis
        if b_old != b_new:
            texts.append(v.pick(
                (f"{name} : « {taxonomy_label('data_use', use, lang, new)} » repose désormais sur "
                 f"{v.legal_basis_label(b_new, lang)} ({v.legal_basis_article(b_new, lang)}) au lieu de "
                 f"{v.legal_basis_label(b_old, lang)}.",
                 f"{name}: {taxonomy_label('data_use', use, lang, new)} now relies on "
                 f"{v.legal_basis_label(b_new, lang)} ({v.legal_basis_article(b_new, lang)}) instead of "
                 f"{v.legal_basis_label(b_old, lang)}."), lang))
    return texts


def _categories(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a_new, a_old = _activity(change, new), _activity(change, old)
    if a_new is None or a_old is None:
        return []
    before = [c.key for c in a_old.data_categories]
    after = [c.key for c in a_new.data_categories]
    if change.kind == "category_added":
        labels = ", ".join(taxonomy_label("data_category", k, lang, new) for k in after if k not in before)
        return [v.pick((f"{_q(a_new.name, lang)} : nous collectons désormais : {labels}.",
                        f"{_q(a_new.name, lang)}: we now collect: {labels}."), lang)]
    labels = ", ".join(taxonomy_label("data_category", k, lang, old) for k in before if k not in after)
    return [v.pick((f"{_q(a_new.name, lang)} : nous ne collectons plus : {labels}.",
                    f"{_q(a_new.name, lang)}: we no longer collect: {labels}."), lang)]


def _names(register: Register, keys: list[str]) -> str:
    return ", ".join((r.name if (r := register.recipient(k)) else k) for k in keys)


def _recipients(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    if change.path.startswith("recipients."):
        r = new.recipient(change.path.split(".", 1)[1])
        if r is None:
            return []
        kind = v.pick(v.RECIPIENT_KINDS[r.kind], lang).lower()
        return [v.pick((f"Nouveau destinataire : {r.name} ({kind}).",
                        f"New recipient: {r.name} ({kind})."), lang)]
    a_new, a_old = _activity(change, new), _activity(change, old)
    if a_new is None or a_old is None:
        return []
    if change.kind == "recipient_added":
        names = _names(new, [k for k in a_new.recipients if k not in a_old.recipients])
        return [v.pick((f"{_q(a_new.name, lang)} : vos données sont désormais communiquées à : {names}.",
                        f"{_q(a_new.name, lang)}: your data now goes to: {names}."), lang)]
    names = _names(old, [k for k in a_old.recipients if k not in a_new.recipients])
    return [v.pick((f"{_q(a_new.name, lang)} : vos données ne sont plus communiquées à : {names}.",
                    f"{_q(a_new.name, lang)}: your data no longer goes to: {names}."), lang)]


def _where(register: Register, country: str, recipient: str, lang: str) -> str:
    """'États-Unis (CRM Cloud Inc.)' / 'the United States (CRM Cloud Inc.)'."""
    return f"{country_name(country, lang)} ({_names(register, [recipient])})"


def _transfers(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a_new, a_old = _activity(change, new), _activity(change, old)
    if a_new is None or a_old is None:
        return []
    before = {(t.country, t.recipient): t for t in a_old.transfers}
    after = {(t.country, t.recipient): t for t in a_new.transfers}
    name, texts = _q(a_new.name, lang), []
    if change.kind == "transfer_added":
        for (country, key), t in after.items():
            if (country, key) not in before:
                where, safeguard = _where(new, country, key, lang), v.safeguard_words(t.safeguard, lang)
                texts.append(v.pick((f"{name} : nouveau transfert hors de l'Europe — {where} ; garantie : {safeguard}.",
                                     f"{name}: new transfer to {where}; safeguard: {safeguard}."), lang))
    elif change.kind == "transfer_removed":
        for country, key in before.keys() - after.keys():
            where = _where(old, country, key, lang)
            texts.append(v.pick((f"{name} : fin du transfert hors de l'Europe — {where}.",
                                 f"{name}: the transfer to {where} ends."), lang))
    else:
        for ident in before.keys() & after.keys():
            if before[ident].safeguard != after[ident].safeguard:
                where = _where(new, ident[0], ident[1], lang)
                safeguard = v.safeguard_words(after[ident].safeguard, lang)
                texts.append(v.pick((f"{name} : le transfert hors de l'Europe — {where} — repose désormais sur : "
                                     f"{safeguard}.",
                                     f"{name}: the transfer to {where} now relies on: {safeguard}."), lang))
    return sorted(texts)


def _decision(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    a_new, a_old = _activity(change, new), _activity(change, old)
    if a_new is None:
        return []
    known = {d.key for d in a_old.automated_decisions} if a_old else set()
    return [v.pick((f"{_q(a_new.name, lang)} : nouvelle décision automatisée — {d.description}",
                    f"{_q(a_new.name, lang)}: new automated decision — {d.description}"), lang)
            for d in a_new.automated_decisions if d.key not in known]


def _retention(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    r_old, r_new = _rule(change, old), _rule(change, new)
    if change.kind == "retention_added" and r_new:
        return [v.pick((f"Nouvelle durée de conservation — {rule_data(new, r_new, lang)} : {_rule_period(r_new, lang)}.",
                        f"New retention period — {rule_data(new, r_new, lang)}: {_rule_period(r_new, lang)}."), lang)]
    if change.kind == "retention_removed" and r_old:
        return [v.pick((f"{rule_data(old, r_old, lang)} : la durée « {_rule_period(r_old, lang)} » ne s'applique "
                        "plus ; ces données pourraient être conservées plus longtemps.",
                        f"{rule_data(old, r_old, lang)}: the period “{_rule_period(r_old, lang)}” no longer "
                        "applies; this data may be kept longer."), lang)]
    if r_old is None or r_new is None:
        return []
    data = rule_data(new, r_new, lang)
    if change.kind == "retention_action_changed":
        return [v.pick((f"{data} : à la fin de la durée, les données sont désormais "
                        f"{end_words(r_new, lang).lower()} (auparavant {end_words(r_old, lang).lower()}).",
                        f"{data}: at the end of the period the data is now {end_words(r_new, lang).lower()} "
                        f"(previously {end_words(r_old, lang).lower()})."), lang)]
    longer = {"retention_longer": ("plus longtemps", "longer"), "retention_shorter": ("moins longtemps", "shorter")}
    how = v.pick(longer.get(change.kind, ("autrement", "differently")), lang)
    after, before = _rule_period(r_new, lang), _rule_period(r_old, lang)
    return [v.pick((f"{data} : vos données sont conservées {how} — {after} (auparavant {before}).",
                    f"{data}: kept {how} — {after} (previously {before})."), lang)]


def _cookies(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    name = change.path.split(".", 1)[1]
    c_new = next((c for c in new.cookies if c.name == name), None)
    c_old = next((c for c in old.cookies if c.name == name), None)
    if change.kind == "cookie_added" and c_new:
        provider = _names(new, [c_new.provider])
        return [v.pick((f"Nouveau cookie : {name} ({provider}, {v.pick(v.COOKIE_CATEGORIES[c_new.category], lang)}) — "
                        f"{c_new.purpose}",
                        f"New cookie: {name} ({provider}, {v.pick(v.COOKIE_CATEGORIES[c_new.category], lang)}) — "
                        f"{c_new.purpose}"), lang)]
    if change.kind == "cookie_longer" and c_new and c_old and c_new.lifetime and c_old.lifetime:
        return [v.pick((f"Le cookie {name} dure désormais {v.duration_words(c_new.lifetime, lang)} "
                        f"(auparavant {v.duration_words(c_old.lifetime, lang)}).",
                        f"The cookie {name} now lasts {v.duration_words(c_new.lifetime, lang)} "
                        f"(previously {v.duration_words(c_old.lifetime, lang)})."), lang)]
    if change.kind == "cookie_removed":
        return [v.pick((f"Le cookie {name} n'est plus déposé.", f"The cookie {name} is no longer set."), lang)]
    return []


def _rights(change: Change, old: Register, new: Register, lang: str) -> list[str]:
    if change.kind == "deadline_longer":
        return [v.pick((f"Nous répondons désormais à vos demandes dans un délai de "
                        f"{v.duration_spelled(new.rights.response_deadline, lang)} (auparavant "
                        f"{v.duration_spelled(old.rights.response_deadline, lang)}).",
                        f"We now answer your requests within {v.duration_spelled(new.rights.response_deadline, lang)} "
                        f"(previously {v.duration_spelled(old.rights.response_deadline, lang)})."), lang)]
    dropped = [v.right_name(r, lang) for r in Right if r in set(old.rights.offered) - set(new.rights.offered)]
    return [v.pick((f"Cette politique ne décrit plus les droits suivants : {', '.join(dropped)}. Ils restent les "
                    "vôtres lorsque la loi les prévoit.",
                    f"This notice no longer describes these rights: {', '.join(dropped)}. They remain yours "
                    "where the law provides them."), lang)]


_Sayer = Callable[[Change, Register, Register, str], list[str]]
_SAYERS: dict[str, _Sayer] = {
    "controller_changed": _controller, "dpo_changed": _dpo, "authority_changed": _authority,
    "activity_added": _activity_added, "activity_removed": _activity_removed,
    "purpose_added": _purposes, "purpose_removed": _purposes, "legal_basis_changed": _purposes,
    "category_added": _categories, "category_removed": _categories,
    "recipient_added": _recipients, "recipient_removed": _recipients,
    "transfer_added": _transfers, "transfer_removed": _transfers, "safeguard_changed": _transfers,
    "automated_decision_added": _decision,
    "retention_added": _retention, "retention_removed": _retention, "retention_longer": _retention,
    "retention_shorter": _retention, "retention_clock_changed": _retention, "retention_action_changed": _retention,
    "cookie_added": _cookies, "cookie_longer": _cookies, "cookie_removed": _cookies,
    "deadline_longer": _rights, "rights_dropped": _rights,
}
