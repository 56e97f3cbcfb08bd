"""What starts a retention period, read from the phrase that follows (or precedes) it.

Policies say when the clock starts with a trigger ("à compter de", "suivant", "après",
"from", "after") and an event ("la dernière commande", "la date de débit", "la fin de la
relation commerciale"), or with a "while" form and no number ("pendant toute la durée du
contrat", "jusqu'à la fin de la relation commerciale", "tant que votre compte est actif").
Each rule below names the event in the words French and English policies use for it; the
first rule that matches wins, so specific events come before general ones ("collecte" last).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egide.notice.importer.text import fold
from egide.notice.vocabulary import CLOCKS, values_by_words
from egide.register.model import RetentionClock as C

_CLOCK_RULES: list[tuple[C, str]] = [
    (C.end_of_collection_year, r"fin de l'annee (?:civile )?(?:au cours de laquelle|de (?:la )?collecte)"
                               r"|cloture (?:de l'|d'un |du dernier )?exercice|fin de l'exercice"
                               r"|end of the (?:calendar |financial |fiscal )?year"),
    (C.last_order, r"dernier(?:e|es|s)? (?:commande|achat|acte d'achat)|last (?:order|purchase)"),
    (C.transaction_date, r"dernier(?:e)? (?:prelevement|paiement|transaction|operation|echeance|facture)|"
                         r"date (?:de (?:la |l')?|du )?(?:debit|prelevement|transaction|operation|paiement|facturation|facture|vente"
                         r"|encaissement|reglement)|(?:suivant|apres|a compter de|a partir de|depuis) (?:la |l')?"
                         r"(?:transaction|operation de paiement|paiement|encaissement)"
                         r"|(?:transaction|payment|invoice|purchase) date|date of (?:the )?(?:transaction|payment|"
                         r"purchase|invoice)"),
    (C.order_completed, r"livraison|traitement complet de (?:votre|la) commande|execution (?:complete )?de (?:la|votre) "
                        r"commande|fin de (?:la )?garantie|(?:order|purchase) (?:is |has been )?(?:completed|fulfilled|"
                        r"delivered)|delivery"),
    (C.account_deletion, r"(?:suppression|fermeture|cloture|desactivation|desinscription) (?:de (?:votre|son|leur|l')|du) "
                         r"(?:compte|espace|profil|site|plateforme|service)|(?:le )?temps de (?:votre|son|leur) inscription"
                         r"|duree de (?:votre|son|leur) inscription|(?:account|profile) (?:deletion|closure|is (?:deleted|"
                         r"closed))|(?:delete|close) (?:your|their) account|tant que (?:votre|son|leur|le) compte"
                         r"|as long as (?:your|the) account|supprimez (?:votre|son) compte|fermez (?:votre|son) compte"),
    (C.contract_end, r"fin (?:de (?:la |notre |votre |leur )?|du |des )(?:relations? (?:commerciale|contractuelle|client|"
                     r"d'affaires)|contrat|abonnement|prestation|mission|adhesion|engagement|bail|souscription|relation|scolarite|mandat|"
                     r"emploi|stage|formation|cursus|sejour|location|pret|credit|contrat de travail)"
                     r"|resiliation|expiration (?:du|de (?:votre|l')|de son) (?:contrat|abonnement|adhesion)"
                     r"|terme (?:du|de votre) contrat|cessation (?:de la relation|du contrat)"
                     r"|duree (?:de (?:la|notre|votre) relation|du contrat|de (?:l'|votre |son )abonnement|"
                     r"de la relation contractuelle|de (?:l'|votre )adhesion|(?:de la|d'une) prestation)"
                     r"|(?:gestion|duree|cadre) de (?:la |notre |votre |leur )?relation (?:commerciale|contractuelle|client)"
                     r"|tant que (?:vous etes|l'utilisateur est|le client est|vous restez) (?:client|abonne|adherent)"
                     r"|end of (?:the |our |your )?(?:contract|contractual|business|commercial|customer|subscription)"
                     r"|(?:contract|subscription|relationship) (?:ends|end|termination|expires)|termination|"
                     r"(?:term|duration) of (?:the |your |our )?(?:contract|subscription|relationship|business relationship)"),
    (C.last_contact, r"dernier(?:e)? (?:contact|echange|prise de contact|interaction|sollicitation)"
                     r"|last (?:contact|interaction|communication)"),
    (C.last_activity, r"dernier(?:e)? (?:connexion|activite|utilisation|visite|acces|login|commande ou connexion)"
                      r"|inactivite|aucune activite|last (?:login|log-in|activity|use|visit|connection)|inactivity"),
    (C.objection_made, r"exercice (?:du|de (?:son|votre|leur)) droit d'opposition|(?:date de (?:l'|votre |leur ))?opposition"
                       r"|(?:your |the )?objection"),
    (C.consent_withdrawn, r"retrait (?:du|de (?:votre|son|leur)) consentement|desabonn\w*|desinscri\w*|revocation|"
                          r"revoqu\w*|retirez (?:votre|son) consentement|"
                          r"withdraw(?:al of|s|ing)? (?:your |their )?consent|unsubscrib"),
    (C.consent_given, r"(?:recueil|obtention|date) (?:du|de (?:votre|son|leur)) consentement|consent (?:is |was )?"
                      r"(?:given|obtained|collected)|date of consent"),
    (C.request_resolved, r"(?:traitement|cloture|resolution|fin|reglement|reponse a) (?:complet(?:e)? )?(?:de (?:la |votre |"
                         r"leur |sa )?|du )(?:demande|requete|reclamation|ticket|dossier|candidature|question)"
                         r"|demandes? (?:(?:a|ait|aura|aient|auront|soit|soient|sera|est) )?(?:ete )?(?:definitivement )?"
                         r"(?:resolue|traitee|reglee|close|terminee)s?"
                         r"|(?:request|ticket|claim|query) (?:is |has been )?"
                         r"(?:resolved|closed|handled|processed|answered)|resolution of (?:the|your) (?:request|claim)"),
    (C.event_end, r"fin (?:du|de l'|de la) (?:evenement|jeu|concours|operation|campagne|salon|manifestation|formation)"
                  r"|end of the (?:event|contest|campaign|competition)"),
    (C.collection, r"collecte|recueil|enregistrement|creation (?:du|de (?:votre|son|leur)) compte|depot (?:du|des|de ce) "
                   r"(?:cookie|traceur)s?|inscription|premiere (?:visite|connexion)|(?:date of |time of )?collection"
                   r"|(?:are|were|is) collected|recording|(?:cookie|tracker) (?:is )?(?:placed|set)|placement"),
]


def _with_notice_phrases() -> list[tuple[C, re.Pattern[str]]]:
    """The rules above, each completed by the phrase Egide's notice uses for its clock ("you object", "your
    order is fully processed") where the rule does not already read it: one vocabulary, read both ways."""
    rules = dict(_CLOCK_RULES)
    for phrase, clock in values_by_words(CLOCKS).items():
        folded = fold(phrase)
        if not re.search(rules[clock], folded):
            rules[clock] += "|" + re.escape(folded)
    return [(clock, re.compile(pattern)) for clock, pattern in rules.items()]


_COMPILED = _with_notice_phrases()

# The event must follow a trigger to count (otherwise "collecte" in "les données collectées" would start clocks).
_TRIGGER = re.compile(r"(?:a compter (?:de|du|des)|a partir (?:de|du|des)|a dater (?:de|du)|suivant|apres|au-dela "
                      r"(?:de|du)|depuis|des|jusqu'(?:a|au|aux)|au terme (?:de|du)|a l'issue (?:de|du)|pendant|durant|"
                      r"tant que|le temps (?:de|du)|for the|from|after|following|since|until|as long as|"
                      r"beyond|of (?:the |your )?last|upon|at the end of|sans)\b")
_WHILE_FORMS = re.compile(r"(?:pendant|durant|pour|sur) (?:toute |l'integralite de )?(?:la|le) (?:duree|temps)|tant que|"
                          r"jusqu'(?:a|au|aux)\b|des (?:que|la|le|l')|apres (?:la|le|l')|en cas de|si vous (?:vous )?|une fois (?:que|la|le)|once|as soon as|for (?:the )?(?:duration|term|length|"
                          r"life)|as long as|until|while|throughout")
_COMBINED_LAST_CONTACT = re.compile(r"collecte (?:ou|et|/) (?:de |du |a compter du )?dernier contact")


@dataclass(frozen=True)
class ClockMatch:
    clock: C
    start: int
    end: int


def find_clock(norm: str, start: int = 0, end: int | None = None) -> ClockMatch | None:
    """The event that starts a period, searched in ``norm[start:end]`` after a trigger word."""
    window = norm[start:end]
    if _COMBINED_LAST_CONTACT.search(window):
        m = _COMBINED_LAST_CONTACT.search(window)
        assert m is not None
        return ClockMatch(C.last_contact, start + m.start(), start + m.end())
    best: ClockMatch | None = None
    for trigger in _TRIGGER.finditer(window):
        tail = window[trigger.end():trigger.end() + 90]
        for clock, pattern in _COMPILED:
            m = pattern.search(tail)
            if m is None or m.start() > 45:
                continue
            candidate = ClockMatch(clock, start + trigger.end() + m.start(), start + trigger.end() + m.end())
            if best is None or _rank(candidate) < _rank(best):
                best = candidate
        if best is not None:
            return best
    return None


def _rank(match: ClockMatch) -> tuple[int, int]:
    order = [c for c, _ in _CLOCK_RULES]
    return (order.index(match.clock), match.start)


def clock_of_phrase(norm: str) -> C | None:
    """The event a phrase names, without needing a trigger ("fin de la relation commerciale" -> contract_end)."""
    for clock, pattern in _COMPILED:
        if pattern.search(norm):
            return clock
    return None


def while_form(norm: str) -> ClockMatch | None:
    """A period with no number that lasts while something holds: "pendant toute la durée du contrat",
    "jusqu'à la fin de la relation commerciale", "tant que votre compte est actif" (duration P0D)."""
    for form in _WHILE_FORMS.finditer(norm):
        tail = norm[form.start():form.end() + 80]
        for clock, pattern in _COMPILED:
            if clock in (C.collection, C.objection_made):
                continue
            m = pattern.search(tail)
            if m is not None and m.start() <= (form.end() - form.start()) + 50:
                return ClockMatch(clock, form.start(), form.start() + m.end())
    return None


# When the text states a period but no event, the event most policies mean for that kind of data.
_DEFAULTS: list[tuple[str, C]] = [
    (r"enregistrement|recording|cookie|traceur|tracker|journa(?:l|ux)|\blogs?\b|video|camera", C.collection),
    (r"prospect|prospection|newsletter|lettre d'information|marketing|commercial solicitation|sollicitations", C.last_contact),
    (r"comptab|factur|fiscal|pieces justificatives|invoice|accounting|tax", C.transaction_date),
    (r"candidat|recrutement|applicant|recruit", C.last_contact),
    (r"\bclients?\b|relation commerciale|contrat|customer|contract", C.contract_end),
    (r"\bcompte\b|account", C.account_deletion),
]


def default_clock(norm: str) -> C:
    for pattern, clock in _DEFAULTS:
        if re.search(pattern, norm):
            return clock
    return C.collection
