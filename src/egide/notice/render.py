"""The privacy notice (GDPR art. 13 and 14) rendered from the register.

:func:`build_notice` is a pure function from a register to a :class:`NoticeView` whose strings
are final text in the reader's language; :func:`render_notice` lays that view out with the
templates of :mod:`egide.notice.templating` (HTML, Markdown or plain text). The sections follow
what a person looks for, not the order of the articles: who we are, what we collect and why,
who receives it, transfers, how long we keep it (one place), automated decisions, cookies,
your rights, how to complain.

Free texts of the register are shown in its own words. Texts that art. 13 requires (legitimate
interests, consequences of not providing data, sources, cookie purposes, automated decisions)
always appear; descriptive details appear only in a notice in the register's language and when
written in it (:mod:`egide.notice.language`), so a DPO's note in English does not end up in a
French notice.
"""

from __future__ import annotations

from pathlib import Path

from egide.domain.durations import Duration
from egide.domain.errors import InvalidInputError
from egide.notice import vocabulary as v
from egide.notice.countries import country_name
from egide.notice.language import written_in
from egide.notice.retention import build_retention
from egide.notice.taxonomy_labels import taxonomy_label
from egide.notice.view import (
    ActivityView,
    CategoryView,
    ComplaintView,
    CookieView,
    DecisionView,
    Line,
    NoticeView,
    PurposeView,
    RecipientGroupView,
    RecipientView,
    RightView,
    TransferView,
)
from egide.register.model import (
    Activity,
    CategoryUse,
    Channel,
    ChannelKind,
    DataSource,
    LegalBasis,
    Purpose,
    RecipientKind,
    Register,
    Right,
)

FORMATS = ("html", "md", "txt")


def check_language(lang: str) -> str:
    if lang not in v.LANGUAGES:
        raise InvalidInputError(
            f"unknown notice language {lang!r}: the notice is written in {' and '.join(v.LANGUAGES)} "
            f"(use --lang {' or --lang '.join(v.LANGUAGES)})")
    return lang


def render_notice(register: Register, lang: str, fmt: str = "html", templates: Path | None = None) -> str:
    """The full notice as HTML, Markdown or plain text."""
    from egide.notice.templating import render_template

    return render_template("notice", fmt, build_notice(register, check_language(lang)), templates)


def build_notice(register: Register, lang: str) -> NoticeView:
    check_language(lang)
    policy, controller = register.policy, register.controller
    retention, holds, without = build_retention(register, lang)
    return NoticeView(
        lang=lang,
        title=policy.title if (policy.title and policy.language == lang) else
        v.pick(("Politique de confidentialité", "Privacy notice"), lang),
        controller=controller.name,
        version=policy.version,
        effective_date=v.date_words(policy.effective_date, lang) if policy.effective_date else
        v.pick(("non datée", "undated"), lang),
        dated=policy.effective_date is not None,
        identity=_identity(register, lang),
        contacts=_contacts(register, lang),
        dpo=_dpo(register, lang),
        activities=[_activity(register, a, lang) for a in register.activities],
        bases=_bases(register, lang),
        recipient_groups=_recipient_groups(register, lang),
        transfers=_transfers(register, lang),
        retention=retention,
        holds=holds,
        without_retention=without,
        decisions=_decisions(register, lang),
        cookies=_cookies(register, lang),
        cookie_consent=v.pick(v.CONSENT_MECHANISMS[register.cookie_policy.consent_mechanism], lang)
        if (register.cookie_policy and register.cookies) else None,
        cookie_choice_kept=v.duration_spelled(register.cookie_policy.remember_choice_for, lang)
        if (register.cookie_policy and register.cookies) else None,
        rights=_rights(register, lang),
        channels=_rights_channels(register, lang),
        deadline=v.duration_spelled(register.rights.response_deadline, lang),
        extension=None if Duration.parse(register.rights.extension.allowed).is_zero()
        else v.duration_spelled(register.rights.extension.allowed, lang),
        identity_proof=v.pick(v.IDENTITY_PROOF[register.rights.identity_proof], lang),
        identity_proof_method=_own_words(register, register.rights.identity_proof_method, lang),
        fee_policy=_own_words(register, register.rights.fee_policy, lang),
        complaint=ComplaintView(
            authority=register.supervisory_authority.name if register.supervisory_authority else None,
            url=register.supervisory_authority.url if register.supervisory_authority else None),
        register_language=None if policy.language == lang else v.language_name(policy.language, lang),
    )


# --- who we are ---------------------------------------------------------------------------------

def _identity(register: Register, lang: str) -> list[Line]:
    c = register.controller
    rows = [
        (("Dénomination", "Name"), c.name),
        (("Forme juridique", "Legal form"), c.legal_form),
        (("Immatriculation", "Registration"), c.registration),
        (("Capital social", "Share capital"), c.share_capital),
        (("Siège social", "Registered office"), c.address),
        (("Site web", "Website"), c.website),
        (("Représentant dans l'Union européenne", "Representative in the European Union"), c.representative),
    ]
    return [Line(v.pick(label, lang), value) for label, value in rows if value]


def _contacts(register: Register, lang: str) -> list[Line]:
    c = register.controller
    rows = [
        (("E-mail", "Email"), c.email),
        (("Adresse postale", "Postal address"), c.postal_address),
        (("Téléphone", "Phone"), c.phone),
    ]
    return [Line(v.pick(label, lang), value) for label, value in rows if value]


def _dpo(register: Register, lang: str) -> list[Line]:
    d = register.dpo
    if d is None:
        return []
    rows = [
        (("Nom", "Name"), d.name),
        (("E-mail", "Email"), d.email),
        (("Adresse postale", "Postal address"), d.postal_address),
        (("Téléphone", "Phone"), d.phone),
    ]
    return [Line(v.pick(label, lang), value) for label, value in rows if value]


# --- what we collect and why --------------------------------------------------------------------

def _own_words(register: Register, text: str | None, lang: str) -> str | None:
    """A descriptive text of the register, when the notice is in the register's language and the text is too.

    A description in another language than the register's is a note for the DPO, not for the people
    concerned; an English notice of a French register shows the register's required texts only.
    """
    if text and lang == register.policy.language and written_in(text, lang, lang):
        return text.strip()
    return None


def channel_text(register: Register, channel: Channel, lang: str) -> str:
    text = v.channel_words(channel.kind, channel.address, lang)
    detail = _own_words(register, channel.description, lang)
    return f"{text} ({detail.rstrip('.')})" if detail else text


def _activity(register: Register, activity: Activity, lang: str) -> ActivityView:
    subjects = [taxonomy_label("data_subject", s, lang, register) for s in activity.data_subjects]
    recipients = [r.name for key in activity.recipients if (r := register.recipient(key))]
    return ActivityView(
        key=activity.key,
        name=activity.name,
        subjects=", ".join(subjects) or None,
        purposes=[_purpose(register, p, lang) for p in activity.purposes],
        categories=[_category(register, c, lang) for c in activity.data_categories],
        recipients=recipients,
    )


def _purpose(register: Register, purpose: Purpose, lang: str) -> PurposeView:
    return PurposeView(
        label=taxonomy_label("data_use", purpose.use, lang, register),
        detail=_own_words(register, purpose.description, lang),
        basis=v.legal_basis_label(purpose.legal_basis, lang),
        article=v.legal_basis_article(purpose.legal_basis, lang),
        legitimate_interest=purpose.legitimate_interest,
        legal_reference=purpose.legal_reference,
        withdraw=[channel_text(register, c, lang) for c in purpose.withdrawal_channels],
        object=[channel_text(register, c, lang) for c in purpose.objection_channels],
    )


def _category(register: Register, category: CategoryUse, lang: str) -> CategoryView:
    provided = category.source is DataSource.provided
    requirement = None
    if category.mandatory or (category.mandatory is False and provided):
        requirement = v.pick(("obligatoire", "required") if category.mandatory else ("facultatif", "optional"), lang)
    source = None
    if not provided:
        source = v.pick(v.SOURCES[category.source], lang)
        if category.source_name and category.source in (DataSource.third_party, DataSource.public):
            source = category.source_name
    return CategoryView(
        label=taxonomy_label("data_category", category.key, lang, register),
        detail=_own_words(register, category.description, lang),
        requirement=requirement,
        consequence=category.if_not_provided,
        source=source,
        stored=category.stored,
    )


def _bases(register: Register, lang: str) -> list[Line]:
    used = {p.legal_basis for a in register.activities for p in a.purposes}
    return [Line(f"{v.legal_basis_label(b, lang)} ({v.legal_basis_article(b, lang)})",
                 v.pick(v.LEGAL_BASIS_MEANINGS[b], lang)) for b in LegalBasis if b in used]


# --- who receives it, transfers ---------------------------------------------------------------

def _recipient_groups(register: Register, lang: str) -> list[RecipientGroupView]:
    order = [RecipientKind.internal, RecipientKind.group_company, RecipientKind.processor,
             RecipientKind.joint_controller, RecipientKind.third_party, RecipientKind.public_body]
    groups = []
    for kind in order:
        members = [RecipientView(r.name, country_name(r.country, lang) if r.country else None)
                   for r in register.recipients if r.kind is kind]
        if members:
            groups.append(RecipientGroupView(v.pick(v.RECIPIENT_KINDS[kind], lang),
                                             v.pick(v.RECIPIENT_KIND_MEANINGS[kind], lang), members))
    return groups


def _transfers(register: Register, lang: str) -> list[TransferView]:
    views = []
    for activity, transfer in register.all_transfers():
        recipient = register.recipient(transfer.recipient)
        labels = [taxonomy_label("data_category", k, lang, register) for k in transfer.categories]
        views.append(TransferView(
            country=country_name(transfer.country, lang),
            recipient=recipient.name if recipient else transfer.recipient,
            safeguard=v.safeguard_words(transfer.safeguard, lang),
            reference=transfer.reference,
            data=", ".join(labels) or None,
            activity=activity.name,
        ))
    return views


# --- automated decisions, cookies, rights -------------------------------------------------------

def _decisions(register: Register, lang: str) -> list[DecisionView]:
    return [
        DecisionView(
            activity=activity.name,
            description=d.description,
            logic=d.logic,
            significance=d.significance,
            human_review=channel_text(register, d.human_review, lang) if d.human_review else None,
            review_within=v.duration_spelled(d.review_within, lang) if d.review_within else None,
        )
        for activity in register.activities for d in activity.automated_decisions
    ]


def _cookies(register: Register, lang: str) -> list[CookieView]:
    views = []
    for c in register.cookies:
        provider = register.recipient(c.provider)
        views.append(CookieView(
            name=c.name,
            provider=provider.name if provider else c.provider,
            category=v.pick(v.COOKIE_CATEGORIES[c.category], lang),
            purpose=c.purpose,
            lifetime=v.duration_words(c.lifetime, lang) if c.lifetime else v.pick(("non précisée", "not stated"), lang),
            consent=v.pick(("non (exempté)", "no (exempt)") if c.exempt else ("oui", "yes"), lang),
        ))
    return views


def _rights(register: Register, lang: str) -> list[RightView]:
    offered = set(register.rights.offered)
    return [RightView(v.right_name(r, lang), v.right_sentence(r, lang)) for r in Right if r in offered]


def _rights_channels(register: Register, lang: str) -> list[str]:
    channels = [channel_text(register, c, lang) for c in register.rights.channels]
    if channels:
        return channels
    c = register.controller
    return [v.channel_words(kind, address, lang) for kind, address in (
        (ChannelKind.email, c.email), (ChannelKind.post, c.postal_address or c.address)) if address]
