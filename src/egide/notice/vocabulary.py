"""The notice's words for the register's legal terms, in French and English.

Each table maps a register value to (French, English). The phrases are written to be read by
the people concerned, not by lawyers: the article is given beside the plain words, never instead.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from egide.domain.durations import Duration
from egide.register.model import (
    ARTICLE_6,
    ChannelKind,
    ConsentMechanism,
    CookieCategory,
    DataSource,
    IdentityProof,
    LegalBasis,
    OpenEvent,
    RecipientKind,
    RetentionAction,
    RetentionClock,
    Right,
    Safeguard,
)

LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": ("français", "French"), "en": ("anglais", "English"), "de": ("allemand", "German"),
                  "es": ("espagnol", "Spanish"), "it": ("italien", "Italian"), "nl": ("néerlandais", "Dutch")}


Value = TypeVar("Value")


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def values_by_words(table: dict[Value, tuple[str, str]]) -> dict[str, Value]:
    """A table read backwards: each phrase, French and English, in lower case -> its register value."""
    found: dict[str, Value] = {}
    for value, pair in table.items():
        for phrase in pair:
            found.setdefault(phrase.lower(), value)
    return found


def language_name(code: str, lang: str) -> str:
    return pick(LANGUAGE_NAMES[code], lang) if code in LANGUAGE_NAMES else code


# --- legal bases (art. 6) ------------------------------------------------------------------------

LEGAL_BASES: dict[LegalBasis, tuple[str, str]] = {
    LegalBasis.consent: ("consentement", "consent"),
    LegalBasis.contract: ("exécution du contrat", "performance of a contract"),
    LegalBasis.legal_obligation: ("obligation légale", "legal obligation"),
    LegalBasis.vital_interests: ("sauvegarde des intérêts vitaux", "vital interests"),
    LegalBasis.public_task: ("mission d'intérêt public", "public task"),
    LegalBasis.legitimate_interests: ("intérêt légitime", "legitimate interests"),
}

LEGAL_BASIS_MEANINGS: dict[LegalBasis, tuple[str, str]] = {
    LegalBasis.consent: (
        "vous avez donné votre accord ; vous pouvez le retirer à tout moment, aussi simplement que vous l'avez donné.",
        "you said yes; you can withdraw your consent at any time, as easily as you gave it."),
    LegalBasis.contract: (
        "le traitement est nécessaire pour exécuter le contrat conclu avec vous ou pour répondre à votre demande avant sa conclusion.",
        "we need the data to perform a contract with you, or to take steps you asked for before entering into one."),
    LegalBasis.legal_obligation: (
        "la loi nous impose ce traitement.",
        "the law requires us to process the data."),
    LegalBasis.vital_interests: (
        "le traitement est nécessaire pour protéger votre vie ou celle d'une autre personne.",
        "we need the data to protect your life or someone else's."),
    LegalBasis.public_task: (
        "le traitement est nécessaire à une mission d'intérêt public qui nous est confiée.",
        "we need the data to carry out a task in the public interest entrusted to us."),
    LegalBasis.legitimate_interests: (
        "le traitement sert un intérêt légitime que nous indiquons, sans porter une atteinte excessive à vos droits ; "
        "vous pouvez vous y opposer pour des raisons tenant à votre situation particulière.",
        "the processing serves a legitimate interest that we state, without overriding your rights; "
        "you can object to it on grounds relating to your situation."),
}


def legal_basis_label(basis: LegalBasis, lang: str) -> str:
    return pick(LEGAL_BASES[basis], lang)


def legal_basis_article(basis: LegalBasis, lang: str) -> str:
    return f"{ARTICLE_6[basis]} {'RGPD' if lang == 'fr' else 'GDPR'}"


# --- where data comes from (art. 14) --------------------------------------------------------------

SOURCES: dict[DataSource, tuple[str, str]] = {
    DataSource.provided: ("vous-même", "you"),
    DataSource.observed: ("collecte automatique lors de votre utilisation", "collected automatically as you use the service"),
    DataSource.inferred: ("déduction à partir de votre utilisation", "inferred from how you use the service"),
    DataSource.third_party: ("un tiers", "a third party"),
    DataSource.public: ("sources publiques", "public sources"),
}


# --- retention ----------------------------------------------------------------------------------

# What starts a period: a phrase that reads after "après" / "after" and after "jusqu'à" / "until".
CLOCKS: dict[RetentionClock, tuple[str, str]] = {
    RetentionClock.collection: ("la collecte des données", "we collect the data"),
    RetentionClock.last_contact: ("notre dernier contact avec vous", "our last contact with you"),
    RetentionClock.last_activity: ("votre dernière activité", "your last activity"),
    RetentionClock.last_order: ("votre dernière commande", "your last order"),
    RetentionClock.order_completed: ("le traitement complet de votre commande", "your order is fully processed"),
    RetentionClock.contract_end: ("la fin du contrat", "the contract ends"),
    RetentionClock.account_deletion: ("la suppression de votre compte", "your account is deleted"),
    RetentionClock.transaction_date: ("la date de la transaction", "the date of the transaction"),
    RetentionClock.request_resolved: ("le traitement complet de votre demande", "your request is resolved"),
    RetentionClock.consent_given: ("votre consentement", "you give your consent"),
    RetentionClock.consent_withdrawn: ("le retrait de votre consentement", "you withdraw your consent"),
    RetentionClock.objection_made: ("votre opposition", "you object"),
    RetentionClock.end_of_collection_year: ("la fin de l'année de la collecte", "the end of the year in which we collected the data"),
    RetentionClock.event_end: ("la fin de l'événement", "the event ends"),
}

ACTIONS: dict[RetentionAction, tuple[str, str]] = {
    RetentionAction.delete: ("supprimées", "deleted"),
    RetentionAction.anonymize: ("anonymisées", "anonymised"),
    RetentionAction.archive: ("archivées (accès restreint), puis supprimées", "archived with restricted access, then deleted"),
}

OPEN_EVENTS: dict[OpenEvent, tuple[str, str]] = {
    OpenEvent.security_incident: ("un incident de sécurité est en cours", "a security incident is open"),
    OpenEvent.dispute: ("un litige est en cours", "a dispute is ongoing"),
    OpenEvent.legal_proceedings: ("une procédure judiciaire est en cours", "legal proceedings are ongoing"),
    OpenEvent.unresolved_request: ("une demande de votre part n'est pas résolue", "a request of yours is unresolved"),
}


def after_clock(clock: RetentionClock, lang: str) -> str:
    """'après la fin du contrat' / 'after the contract ends'."""
    return ("après " if lang == "fr" else "after ") + pick(CLOCKS[clock], lang)


def until_clock(clock: RetentionClock, lang: str) -> str:
    """'jusqu'à la fin du contrat', 'jusqu'au traitement...' / 'until the contract ends'."""
    phrase = pick(CLOCKS[clock], lang)
    if lang == "en":
        return f"until {phrase}"
    if phrase.startswith("le "):
        return "jusqu'au " + phrase[3:]
    if phrase.startswith("les "):
        return "jusqu'aux " + phrase[4:]
    return "jusqu'à " + phrase


def while_open(event: OpenEvent, lang: str) -> str:
    """'tant qu'un incident de sécurité est en cours' / 'while a security incident is open'."""
    phrase = pick(OPEN_EVENTS[event], lang)
    if lang == "en":
        return f"while {phrase}"
    return ("tant qu'" if phrase[0] in "aeiouy" else "tant que ") + phrase


# --- durations and dates ------------------------------------------------------------------------

_SPELLED = {
    "fr": ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
}


def duration_words(iso: str, lang: str) -> str:
    """'3 ans', '13 mois', '14 days': the register's period in words."""
    return Duration.parse(iso).describe(lang)


def duration_spelled(iso: str, lang: str) -> str:
    """'un mois', 'two months': small numbers spelled out, for sentences."""
    text = duration_words(iso, lang)
    words = text.split(" ")
    out = []
    for word in words:
        if word.isdigit() and int(word) < len(_SPELLED[lang]):
            out.append(_SPELLED[lang][int(word)])
        else:
            out.append(word)
    return " ".join(out)


_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def date_words(day: dt.date, lang: str) -> str:
    """'26 avril 2021' / '26 April 2021' ('1er mai 2018' in French)."""
    number = "1er" if (lang == "fr" and day.day == 1) else str(day.day)
    return f"{number} {_MONTHS[lang][day.month - 1]} {day.year}"


# --- recipients and transfers -------------------------------------------------------------------

RECIPIENT_KINDS: dict[RecipientKind, tuple[str, str]] = {
    RecipientKind.internal: ("Nos équipes", "Our staff"),
    RecipientKind.group_company: ("Les sociétés de notre groupe", "Companies of our group"),
    RecipientKind.processor: ("Nos prestataires (sous-traitants)", "Our service providers (processors)"),
    RecipientKind.joint_controller: ("Nos partenaires responsables conjoints", "Joint controllers"),
    RecipientKind.third_party: ("Des tiers qui utilisent les données pour leur propre compte",
                                "Third parties who use the data for their own purposes"),
    RecipientKind.public_body: ("Les autorités et organismes publics", "Public authorities"),
}

RECIPIENT_KIND_MEANINGS: dict[RecipientKind, tuple[str, str]] = {
    RecipientKind.internal: ("Seules les personnes qui en ont besoin pour leur travail y ont accès.",
                             "Only the people who need the data for their work can see it."),
    RecipientKind.group_company: ("Elles traitent les données pour les finalités décrites ici.",
                                  "They process the data for the purposes described here."),
    RecipientKind.processor: ("Ils agissent pour notre compte, selon nos instructions et sous contrat (art. 28 RGPD).",
                              "They act on our behalf, on our instructions and under contract (art. 28 GDPR)."),
    RecipientKind.joint_controller: ("Nous décidons ensemble de l'usage des données (art. 26 RGPD).",
                                     "We decide together how the data is used (art. 26 GDPR)."),
    RecipientKind.third_party: ("Ils sont eux-mêmes responsables de ce qu'ils en font.",
                                "They are themselves responsible for what they do with it."),
    RecipientKind.public_body: ("Uniquement lorsque la loi l'exige.", "Only when the law requires it."),
}

SAFEGUARDS: dict[Safeguard, tuple[str, str]] = {
    Safeguard.adequacy: ("décision d'adéquation de la Commission européenne (art. 45 RGPD)",
                         "an adequacy decision of the European Commission (art. 45 GDPR)"),
    Safeguard.standard_contractual_clauses: ("clauses contractuelles types de la Commission européenne (art. 46 RGPD)",
                                             "the European Commission's standard contractual clauses (art. 46 GDPR)"),
    Safeguard.binding_corporate_rules: ("règles d'entreprise contraignantes (art. 47 RGPD)",
                                        "binding corporate rules (art. 47 GDPR)"),
    Safeguard.code_of_conduct: ("code de conduite approuvé (art. 46 RGPD)", "an approved code of conduct (art. 46 GDPR)"),
    Safeguard.certification: ("certification approuvée (art. 46 RGPD)", "an approved certification (art. 46 GDPR)"),
    Safeguard.explicit_consent: ("votre consentement explicite, sans autre garantie (art. 49(1)(a) RGPD)",
                                 "your explicit consent, with no other safeguard (art. 49(1)(a) GDPR)"),
    Safeguard.contract_necessity: ("nécessité pour exécuter le contrat, sans autre garantie (art. 49(1)(b) RGPD)",
                                   "necessary to perform the contract, with no other safeguard (art. 49(1)(b) GDPR)"),
    Safeguard.legal_claims: ("nécessité pour la défense de droits en justice (art. 49(1)(e) RGPD)",
                             "necessary for legal claims (art. 49(1)(e) GDPR)"),
    Safeguard.none: ("aucune garantie", "no safeguard"),
}
NO_SAFEGUARD_STATED = ("aucune garantie indiquée", "no safeguard stated")


def safeguard_words(safeguard: Safeguard | None, lang: str) -> str:
    return pick(SAFEGUARDS[safeguard] if safeguard else NO_SAFEGUARD_STATED, lang)


# --- channels -------------------------------------------------------------------------------------

# (French, English) with {address} where the channel has one.
CHANNELS: dict[ChannelKind, tuple[tuple[str, str], tuple[str, str]]] = {
    # kind: ((without address), (with address))
    ChannelKind.email: (("par e-mail", "by email"), ("par e-mail à {address}", "by email to {address}")),
    ChannelKind.post: (("par courrier", "by post"), ("par courrier à {address}", "by post to {address}")),
    ChannelKind.form: (("via un formulaire en ligne", "through an online form"),
                       ("via le formulaire {address}", "through the form at {address}")),
    ChannelKind.phone: (("par téléphone", "by phone"), ("par téléphone au {address}", "by phone on {address}")),
    ChannelKind.account_settings: (("dans les paramètres de votre compte", "in your account settings"),
                                   ("dans les paramètres de votre compte ({address})", "in your account settings ({address})")),
    ChannelKind.app_settings: (("dans les réglages de l'application", "in the app's settings"),
                               ("dans les réglages de l'application ({address})", "in the app's settings ({address})")),
    ChannelKind.unsubscribe_link: (("avec le lien de désinscription présent dans chaque message",
                                    "with the unsubscribe link in every message"),
                                   ("avec le lien de désinscription ({address})", "with the unsubscribe link ({address})")),
    ChannelKind.cookie_banner: (("dans le panneau de gestion des cookies", "in the cookie settings panel"),
                                ("dans le panneau de gestion des cookies ({address})", "in the cookie settings panel ({address})")),
    ChannelKind.browser_settings: (("dans les paramètres de votre navigateur", "in your browser settings"),
                                   ("dans les paramètres de votre navigateur ({address})", "in your browser settings ({address})")),
    ChannelKind.contact_page: (("via notre page de contact", "through our contact page"),
                               ("via notre page de contact ({address})", "through our contact page ({address})")),
    ChannelKind.in_person: (("en personne", "in person"), ("en personne, {address}", "in person at {address}")),
}


def channel_words(kind: ChannelKind, address: str | None, lang: str) -> str:
    without, with_address = CHANNELS[kind]
    if address:
        return pick(with_address, lang).format(address=address)
    return pick(without, lang)


# --- cookies --------------------------------------------------------------------------------------

COOKIE_CATEGORIES: dict[CookieCategory, tuple[str, str]] = {
    CookieCategory.strictly_necessary: ("strictement nécessaire", "strictly necessary"),
    CookieCategory.functional: ("fonctionnel", "functional"),
    CookieCategory.analytics: ("mesure d'audience", "audience measurement"),
    CookieCategory.advertising: ("publicité", "advertising"),
    CookieCategory.social: ("réseaux sociaux", "social networks"),
    CookieCategory.partners: ("partenaires", "partners"),
}

CONSENT_MECHANISMS: dict[ConsentMechanism, tuple[str, str]] = {
    ConsentMechanism.banner: (
        "Nous vous demandons votre accord, par un bandeau, avant de déposer les cookies qui ne sont pas "
        "strictement nécessaires ; vous pouvez refuser aussi simplement qu'accepter.",
        "We ask for your agreement, through a banner, before setting any cookie that is not strictly "
        "necessary; you can refuse as easily as you accept."),
    ConsentMechanism.continued_browsing: (
        "Les cookies sont déposés lorsque vous poursuivez votre navigation.",
        "Cookies are set when you keep browsing."),
    ConsentMechanism.browser_settings: (
        "Vous pouvez refuser les cookies dans les paramètres de votre navigateur.",
        "You can refuse cookies in your browser settings."),
    ConsentMechanism.none: (
        "Nous ne demandons pas d'accord pour les cookies.",
        "We do not ask for agreement to cookies."),
}


# --- rights (art. 15-22, 77; Loi Informatique et Libertés art. 85) -----------------------------

RIGHTS: dict[Right, tuple[tuple[str, str], tuple[str, str]]] = {
    # right: ((name), (one plain sentence))
    Right.access: (("Droit d'accès", "Right of access"),
                   ("savoir si nous traitons des données vous concernant et en obtenir une copie (art. 15 RGPD).",
                    "find out whether we process data about you and get a copy of it (art. 15 GDPR).")),
    Right.rectification: (("Droit de rectification", "Right to rectification"),
                          ("faire corriger des données inexactes ou compléter des données incomplètes (art. 16 RGPD).",
                           "have inaccurate data corrected and incomplete data completed (art. 16 GDPR).")),
    Right.erasure: (("Droit à l'effacement", "Right to erasure"),
                    ("faire supprimer vos données, notamment lorsqu'elles ne sont plus nécessaires ou que vous retirez "
                     "votre consentement, sauf si la loi nous oblige à les conserver (art. 17 RGPD).",
                     "have your data deleted, in particular when it is no longer needed or you withdraw your consent, "
                     "unless the law requires us to keep it (art. 17 GDPR).")),
    Right.restriction: (("Droit à la limitation", "Right to restriction"),
                        ("faire geler l'utilisation de vos données, par exemple le temps de vérifier leur exactitude "
                         "(art. 18 RGPD).",
                         "have the use of your data put on hold, for example while its accuracy is checked "
                         "(art. 18 GDPR).")),
    Right.portability: (("Droit à la portabilité", "Right to data portability"),
                        ("recevoir les données que vous nous avez fournies dans un format structuré et lisible par "
                         "machine, ou les faire transmettre à un autre organisme (art. 20 RGPD).",
                         "receive the data you gave us in a structured, machine-readable format, or have it sent to "
                         "another organisation (art. 20 GDPR).")),
    Right.objection: (("Droit d'opposition", "Right to object"),
                      ("vous opposer à un traitement fondé sur notre intérêt légitime, pour des raisons tenant à votre "
                       "situation, et à tout moment à la prospection commerciale (art. 21 RGPD).",
                       "object to processing based on our legitimate interests, on grounds relating to your situation, "
                       "and at any time to direct marketing (art. 21 GDPR).")),
    Right.withdraw_consent: (("Retrait du consentement", "Withdrawing consent"),
                             ("retirer à tout moment un consentement donné, sans que cela remette en cause ce qui a été "
                              "fait avant (art. 7(3) RGPD).",
                              "withdraw a consent at any time; this does not affect what was done before "
                              "(art. 7(3) GDPR).")),
    Right.human_review: (("Intervention humaine", "Human review"),
                         ("obtenir qu'une personne réexamine une décision prise automatiquement, donner votre point "
                          "de vue et contester la décision (art. 22(3) RGPD).",
                          "have a person review a decision made automatically, give your point of view and contest "
                          "the decision (art. 22(3) GDPR).")),
    Right.complaint: (("Réclamation", "Complaint"),
                      ("introduire une réclamation auprès d'une autorité de contrôle (art. 77 RGPD).",
                       "lodge a complaint with a supervisory authority (art. 77 GDPR).")),
    Right.post_mortem_directives: (("Directives après le décès", "Instructions for after your death"),
                                   ("définir des directives sur le sort de vos données après votre décès "
                                    "(art. 85 de la loi Informatique et Libertés).",
                                    "give instructions on what happens to your data after your death "
                                    "(art. 85 of the French Data Protection Act).")),
}


def right_name(right: Right, lang: str) -> str:
    return pick(RIGHTS[right][0], lang)


def right_sentence(right: Right, lang: str) -> str:
    return pick(RIGHTS[right][1], lang)


IDENTITY_PROOF: dict[IdentityProof, tuple[str, str]] = {
    IdentityProof.always: ("Nous vous demanderons une preuve de votre identité avec chaque demande.",
                           "We will ask you for proof of identity with every request."),
    IdentityProof.on_reasonable_doubt: (
        "Nous ne vous demanderons une preuve d'identité que si nous avons un doute raisonnable sur votre identité.",
        "We will ask for proof of identity only if we have reasonable doubts about who you are."),
    IdentityProof.never: ("Nous ne vous demanderons pas de preuve d'identité.",
                          "We will not ask you for proof of identity."),
}
