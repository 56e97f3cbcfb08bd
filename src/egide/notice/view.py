"""What a privacy notice says, already in the reader's language: templates only lay it out.

:func:`egide.notice.render.build_notice` fills these from a register; every string here is final
text (translated labels, durations in words, dates written out), so a company's own template
never has to know the register's keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """A labelled value: 'Adresse : 9 rue ...'."""

    label: str
    value: str


@dataclass(frozen=True)
class PurposeView:
    label: str  # 'vous envoyer des e-mails commerciaux (lettre d'information, offres)'
    detail: str | None  # the register's description, when written in the notice's language
    basis: str  # 'intérêt légitime'
    article: str  # 'art. 6(1)(f) RGPD'
    legitimate_interest: str | None
    legal_reference: str | None
    withdraw: list[str]  # channels, in words
    object: list[str]


@dataclass(frozen=True)
class CategoryView:
    label: str
    detail: str | None
    requirement: str | None  # 'obligatoire' / 'facultatif' / None when the register does not say
    consequence: str | None  # what happens if not provided (art. 13(2)(e))
    source: str | None  # None when provided by the person; else where it comes from (art. 14(2)(f))
    stored: bool  # False: used for the operation, never kept


@dataclass(frozen=True)
class ActivityView:
    key: str
    name: str
    subjects: str | None  # 'clients, prospects'
    purposes: list[PurposeView]
    categories: list[CategoryView]
    recipients: list[str]


@dataclass(frozen=True)
class RecipientView:
    name: str
    country: str | None


@dataclass(frozen=True)
class RecipientGroupView:
    kind: str  # 'Nos prestataires (sous-traitants)'
    meaning: str
    recipients: list[RecipientView]


@dataclass(frozen=True)
class TransferView:
    country: str
    recipient: str
    safeguard: str
    reference: str | None
    data: str | None  # category labels
    activity: str


@dataclass(frozen=True)
class RetentionView:
    data: str  # 'Newsletter — adresse e-mail (prospects)'
    period: str  # '3 ans après notre dernier contact avec vous'
    end: str  # 'supprimées'
    reason: str | None  # 'obligation légale (art. 6(1)(c) RGPD) — Code de commerce, art. L123-22'
    note: str | None  # re-contact before deletion, aggregates kept...


@dataclass(frozen=True)
class DecisionView:
    activity: str
    description: str
    logic: str | None
    significance: str | None
    human_review: str | None  # the channel in words
    review_within: str | None


@dataclass(frozen=True)
class CookieView:
    name: str
    provider: str
    category: str
    purpose: str
    lifetime: str  # '13 mois' or 'non précisée'
    consent: str  # 'oui' / 'non (strictement nécessaire)'


@dataclass(frozen=True)
class RightView:
    name: str
    sentence: str


@dataclass(frozen=True)
class ComplaintView:
    authority: str | None
    url: str | None


@dataclass(frozen=True)
class NoticeView:
    lang: str
    title: str
    controller: str
    version: str
    effective_date: str  # '26 avril 2021' or 'non datée'
    dated: bool
    identity: list[Line]
    contacts: list[Line]
    dpo: list[Line]
    activities: list[ActivityView]
    bases: list[Line]  # the legal bases used, each with its meaning
    recipient_groups: list[RecipientGroupView]
    transfers: list[TransferView]
    retention: list[RetentionView]
    holds: list[str]  # 'Journaux du serveur : conservés tant qu'un incident de sécurité est en cours.'
    without_retention: list[str]  # activities the register gives no period for
    decisions: list[DecisionView]
    cookies: list[CookieView]
    cookie_consent: str | None
    cookie_choice_kept: str | None  # 'six mois'
    rights: list[RightView]
    channels: list[str]
    deadline: str  # 'un mois'
    extension: str | None  # 'deux mois'
    identity_proof: str
    identity_proof_method: str | None
    fee_policy: str | None
    complaint: ComplaintView
    register_language: str | None  # 'French' when the register's free texts are not in the notice's language


@dataclass(frozen=True)
class ChangeView:
    major: bool
    text: str


@dataclass(frozen=True)
class ChangesView:
    """The 'what changed' notice: the new version's header and the changes in plain words."""

    lang: str
    title: str
    controller: str
    version: str
    effective_date: str
    dated: bool
    previous_version: str
    major: list[ChangeView]
    minor: list[ChangeView]
