"""Purposes a policy states, as fideslang data uses, and the legal basis it gives for each.

A purpose cue counts only in a segment that speaks of purposes ("afin de", "pour",
"finalités", "we use ... to") or in a list introduced by such a sentence; the legal basis
is the basis named nearest to the cue in the same segment, else one stated for the section,
else the basis most policies use for that purpose (marked as inferred, low confidence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from egide.register.model import LegalBasis as B

_USE_CUES: list[tuple[str, str]] = [
    ("marketing.communications.email", r"newsletters?|lettres? d'informations?|e-?mailing|(?:offres|sollicitations|"
     r"communications|informations|messages|elements) (?:de )?(?:commerciales?|promotionnel(?:le)?s|marketing|publicitaires?|"
     r"prospection)[^.;]{0,60}(?:e-?mail|courriel|electronique|\bmail)|(?:e-?mails?|courriels?) (?:promotionnels?|commerciaux|marketing|publicitaires?)|"
     r"marketing e-?mails?|promotional e-?mails?"),
    ("marketing.communications.sms", r"sms (?:promotionnels?|commerciaux|marketing)|(?:offres|messages) [^.;]{0,30}par sms"
     r"|marketing (?:sms|text messages?)"),
    ("marketing.communications", r"prospection(?: commerciale)?|sollicitations? commerciales?|offres? commerciales?|"
     r"messages? promotionnels?|(?:communications?|informations?|elements?) (?:de )?(?:commerciales|marketing)|marketing direct|informations? commerciales|"
     r"(?:a des )?fins (?:commerciales|de marketing|marketing)|direct marketing|marketing communications|promotional "
     r"(?:offers|communications)|(?:informer|tenir informe)s? (?:de|des|sur) (?:nos|les|d'autres) (?:offres|nouveautes|"
     r"produits|services|promotions)"),
    ("analytics.reporting.ad_performance", r"(?:mesurer|evaluer|analyser|comprendre) (?:et de comprendre )?"
     r"(?:l'efficacite|la performance|l'impact)[^.;]{0,40}(?:publicit|annonce|campagne)|suivi des conversions|"
     r"conversion tracking|taux de (?:clics|conversion)|ad performance|campaign performance|performances? des campagnes"),
    ("marketing.advertising.third_party.targeted", r"reciblage|retargeting|remarketing|publicites? (?:ciblees|"
     r"personnalisees|adaptees|basees sur (?:les|vos) centres d'interets?)|annonces? (?:ciblees|personnalisees|basees sur "
     r"les (?:centres d')?interets?)|offre publicitaire|targeted (?:ads|advertising)|personali[sz]ed (?:ads|advertising)|"
     r"interest-based (?:ads|advertising)|audiences? similaires|lookalike|publicite ciblee"),
    ("marketing.advertising.profiling", r"profils? d'utilisat(?:eur|ion)s? pseudonym|profilage (?:publicitaire|marketing)"),
    ("marketing.advertising", r"publicites?|publicitaires?|annonces? publicitaires?|campagnes? publicitaires?|advertising|"
     r"\bads\b|adverts?"),
    ("analytics.reporting", r"statistiques?|mesure d'audience|mesurer l'audience|analyses? (?:d'audience|de frequentation|"
     r"statistiques?|du trafic|web|des donnees|des utilisateurs)|frequentation|\baudience\b|analytics?|analyser "
     r"(?:l'utilisation|le comportement|la navigation|le trafic)|evaluer l'utilisation|"
     r"statistics|statistical|measure (?:the )?(?:audience|traffic|usage)|\breporting\b"),
    ("essential.fraud_detection", r"fraudes?|frauduleu|\bfraud"),
    ("essential.service.security", r"securite (?:du site|de (?:nos|notre|la|l')|des (?:systemes|donnees|services))|"
     r"securiser|stabilite du systeme|environnement securise|attaques?|\bsur et securise|prevenir les abus|"
     r"(?:security|integrity) of|keep [^.;]{0,30}(?:safe|secure)|securite et (?:la )?stabilite|video ?(?:protection|"
     r"surveillance)|controle d'acces|cctv"),
    ("essential.legal_obligation", r"obligations? (?:legales?|reglementaires?|comptables?|fiscales?)|"
     r"prescriptions? legales|exigences legales|requis par la loi|legal (?:obligations?|requirements)|comply with "
     r"(?:the |applicable )?(?:law|legal)|si la loi (?:l'exige|nous y oblige)|lorsque la loi (?:l'exige|nous y oblige)|"
     r"obliges? (?:legalement|par la loi)|legally (?:required|obliged)"),
    ("essential.service.payment_processing", r"paiements?|facturation|factures?|encaissements?|transactions? "
     r"financieres|reglements?\b(?! (?:general|europeen|\(ue\)|ue\b))|payments?|billing|invoic"),
    ("essential.service.authentication", r"authentification|(?:se )?connecter (?:a|au) (?:votre|son) compte|connexion "
     r"(?:a|au) (?:votre |son )?compte|authentication|log ?in to your account|fonction de connexion"),
    ("essential.service.notifications", r"notifications?(?: push)?|alertes?|push notifications?|messages? de service|"
     r"informer (?:des|de) (?:changements|modifications) (?:de|des|dans) nos services|vous informer des changements"),
    ("essential.service.operations.support", r"service (?:client|apres-vente|consommateurs?)|\bsav\b|assistance|\bsupport\b|"
     r"repondre a (?:vos|leurs|ses|votre) (?:questions?|demandes?|requetes?|reclamations?|messages?)|traiter (?:votre|vos|"
     r"leur|les|sa) (?:demandes?|requetes?|reclamations?)|gestion des (?:demandes|reclamations)|demandes? (?:de contact|"
     r"de renseignements?|d'informations?)|prise de contact|(?:etablir|etablissement d'un) contact|customer (?:service|"
     r"support)|respond to (?:your )?(?:questions|requests|enquiries)|helpdesk|\bchat\b|\btchat\b"),
    ("functional.service.improve", r"ameliorer|amelioration|optimis|developper (?:de )?nouve|nouveaux? (?:produits|services|"
     r"fonctionnalites)|nouvelles (?:fonctions|fonctionnalites)|qualite (?:de|du) service|satisfaction|enquetes?|sondages?|"
     r"improve|improvement|optimi[sz]|develop new|surveys?"),
    ("personalize.content", r"personnalis(?:er|ation|ees?) (?:du |des |de (?:votre|l') |nos |les |vos |votre )?"
     r"(?:contenus?|experience|offres|services|reponses|recommandations)|recommandations?|suggestions?|(?:vous )?suggerer|"
     r"contenus? (?:adaptes?|pertinents?|personnalises?|cibles?)|vous (?:proposer|suggerer) des|personali[sz]e|"
     r"recommendations?|relevant content"),
    ("personalize.system", r"preferences d'affichage|(?:memoriser|retenir|se souvient de|souvenir de) (?:vos|ses) "
     r"(?:preferences|choix|parametres)|remember (?:your )?(?:preferences|settings)|adapter la presentation"),
    ("functional.storage", r"panier|memoriser des informations|contenu d'un panier|shopping (?:cart|basket)"),
    ("essential.service", r"gestion (?:de (?:votre|leur|son|l')|du|des) (?:compte|comptes|espace|inscription|abonnement|"
     r"commandes?|contrats?|acces)|(?:creer|creation d'un|ouvrir|gerer) (?:un |votre |leur )?compte|fourni(?:r|ture) "
     r"(?:de |du |des |nos |le |les |notre )?(?:services?|prestations?|produits?)|(?:execution|gestion|traitement) (?:du|des|"
     r"de vos|de votre|de la) (?:contrats?|commandes?|reservations?)|passer (?:une |des )?commandes?|(?:acheter|achat) "
     r"(?:de|des)? ?produits|traiter (?:vos|votre|les) commandes?|livraisons?|acceder (?:au|aux|a certaines) "
     r"(?:services?|prestations?)|acces (?:au|aux) (?:site|services?|prestations?)|acces et utilisation|mise a disposition "
     r"(?:du|des|de) (?:service|contenus?|l'appli)|provide (?:you with )?(?:our|the) (?:services?|products?)|perform "
     r"(?:the|our|a) contract|manage your (?:account|orders?)|process your orders?|account (?:creation|management)|"
     r"create (?:an|your) account|(?:services?|prestations?) (?:proposes?|offerts?)|reservations?|gestion (?:de l'|des |du )?"
     r"(?:etat civil|inscriptions?|dossiers?|demandes? administratives?)|delivrance (?:des|de|d') ?(?:titres|documents|"
     r"actes|autorisations|attestations)|demarches? administratives?|instruction (?:des|de vos) (?:demandes|dossiers)|"
     r"inscriptions? (?:scolaires|periscolaires|aux? activites)|prestations? sociales|aides? sociales"),
    ("sales", r"\bdevis\b|suivis? de la relation (?:avec les )?clients?|gestion (?:des|de nos) clients|relation client|"
     r"customer relationship|\bcrm\b|\bquotes?\b|fichier (?:de|des) (?:clients|prospects|visiteurs)"),
    ("operations", r"impayes|contentieux|litiges?|recouvrement|precontentieux|\bdisputes?\b|debt collection"),
    ("essential.service.operations", r"gestion (?:du|de notre) site|(?:bon )?fonctionnement (?:du|de notre|de la|de nos) "
     r"(?:site|plateforme|services?|prestations)|operations internes|administration (?:du|de notre) site|maintenance|fins "
     r"administratives|administrative purposes|operate (?:our|the) (?:site|website|services)|gerer notre site"),
    ("personalize.profiling", r"profilage|etablir (?:un|le) profil|etablissions un profil|profiling|profil de votre"),
    ("finance", r"solvabilite|risque (?:de credit|de non-paiement|d'impaye)|evaluation (?:du|de la) credit|"
     r"credit (?:checks?|assessment|scoring)|risque credit"),
    ("employment.recruitment", r"recrutement|candidatures?|offres? d'emploi|recruitment|job applications?"),
    ("third_party_sharing", r"(?:ceder|vendre|louer|partager|transmettre|communiquer) (?:vos|les|ses|leurs) (?:donnees|"
     r"informations|coordonnees) (?:a|avec) (?:des|nos) partenaires (?:commerciaux)?|a des fins de prospection par (?:des|nos) "
     r"partenaires|share (?:your )?(?:data|information) with (?:our )?partners for"),
    ("train_ai_system", r"entrainer (?:nos|des) (?:modeles|algorithmes)|intelligence artificielle|train(?:ing)? (?:our |ai |"
     r"machine learning )?models?|machine learning"),
]
_USES = [(use, re.compile(p)) for use, p in _USE_CUES]  # word start checked in code (faster scans)

# Uses whose cue words say the purpose by themselves ("newsletter", "reciblage"): they count in any sentence.
STRONG_USES = frozenset({"marketing.communications.email", "marketing.communications.sms",
                         "marketing.advertising.third_party.targeted", "analytics.reporting.ad_performance",
                         "employment.recruitment", "essential.fraud_detection"})
SKIPPED_SECTION = re.compile(r"^(?:[\d.\s/-]*)(?:securite|security|mesures de securite|modifications?|mises? a jour|"
                             r"changes to|updates to)\b")
PURPOSE_CONTEXT = re.compile(
    r"finalites?|afin (?:de|d')|\bpour (?:vous|nous|permettre|gerer|assurer|les besoins|repondre|ameliorer|realiser|"
    r"effectuer|envoyer|traiter|mesurer|etablir|proposer|personnaliser|fournir|respecter|lutter|prevenir|securiser|"
    r"evaluer|analyser|adresser|identifier|verifier|recevoir|optimiser|enregistrer|afficher|presenter|informer|"
    r"comprendre|faire|la (?:gestion|mise|fourniture)|l'envoi|des raisons)|aux fins|a des fins|dans (?:le|ce) but|"
    r"objectifs?|\butilis(?:ons|er|ees?|erons|ent|e)\b|traitee?s? (?:pour|afin|dans)|nous permett?ent?|permett(?:ent|re)|"
    r"servent|sert a|purposes?|in order to|\bto (?:provide|manage|send|improve|process|measure|comply|personali[sz]e|"
    r"offer|prevent|detect|analy[sz]e|respond|deliver|operate|understand)|we use|used (?:to|for)|nous (?:traitons|"
    r"utilisons|collectons)|base (?:legale|juridique)|fondement|legal basis|lawful basis|necessaires? (?:aux|au|a) "
    r"(?:traitements?|la|l')|(?:ont|a) pour (?:objet|objectif)|nous (?:vous )?(?:offrons|proposons|envoyer|enverrons)|"
    r"nous pouvons (?:egalement |aussi )?(?:utiliser|traiter|fournir|communiquer|transmettre|partager|envoyer)|"
    r"sont collectees pour|we (?:may )?(?:use|process|share)")
PURPOSE_SECTION = re.compile(r"finalit|utilis|usage|pourquoi|objectif|purpose|how we use|\bwhy\b|traitements?\b|"
                             r"base (?:legale|juridique)|fondement|marketing|newsletter|analyse|statisti|cookies?")
RIGHTS_SECTION = re.compile(r"\bdroits?\b|\brights?\b|reclamation|complaint|exercer|acces a vos|portabilit|"
                            r"limitation du traitement|s'opposer|opposition|effacer vos|corriger vos|restreindre")

_ART6 = r"(?<!\d)6\s*(?:\(1\)|§\s*1|\.1\.?|,?\s*(?:paragraphe|para\.?|al(?:inea|\.)?)\s*1)?[\s,]*(?:(?:point|lit\.?|sous)\s*)?\(?{letter}\)"
_BASES: list[tuple[B, str]] = [
    (B.consent, r"consentement|consenti|\bconsent(?:ed|s|ing)?\b|accord (?:prealable|expres)|avec votre accord|\bopt-?in\b|"
                + _ART6.format(letter="a")),
    (B.contract, r"execution (?:d'un |du |des |de votre |de nos |de ce |de la |de l')?(?:contrat|conditions generales|cgv|"
                 r"cgu|commande|mesures precontractuelles|accord)|mesures precontractuelles|actions precontractuelles|"
                 r"necessaires? (?:a|pour) l'execution|conformement a nos cgv|(?:performance|execution) of (?:a|the|our) "
                 r"contract|necessary (?:for|to perform) (?:the|a|our) contract|contractual necessity|"
                 r"executer (?:le|l'|un) (?:contrat|accord)|" + _ART6.format(letter="b")),
    (B.legal_obligation, r"obligations? legales?|obligation (?:reglementaire|de conservation)|(?:prescrite?|exigee?|"
                         r"imposee?|requise?)s? par (?:la loi|les textes|la reglementation)|legal obligations?|required "
                         r"by law|si la loi (?:nous y oblige|l'exige)|obliges? legalement|" + _ART6.format(letter="c")),
    (B.vital_interests, r"interets? vitaux|vital interests?|" + _ART6.format(letter="d")),
    (B.public_task, r"mission d'interet public|exercice de l'autorite publique|mission de service public|public task|"
                    r"task carried out in the public interest|" + _ART6.format(letter="e")),
    (B.legitimate_interests, r"interets? legitimes?|pesee des interets|equilibre des interets|legitimate interests?|"
                             + _ART6.format(letter="f")),
]
_BASIS = [(basis, re.compile(p)) for basis, p in _BASES]
_NOT_BASIS_BEFORE = re.compile(r"(?:sans|pas (?:de|votre|besoin de)|without|no|ne necessit\w+ pas|retirer|retrait (?:de|du)|"
                               r"revoquer|withdraw)\s+(?:votre |leur |son |le |du |de |your )?$")
_INTEREST = re.compile(r"(?:notre |nos |l')interets? legitimes? (?:est|sont|reside|residant|consiste|qui resulte|"
                       r"a |de |dans )[^.;]{5,160}|our legitimate interests? (?:is|are|in|to|consists?)[^.;]{5,160}|"
                       r"(?:represente|constitue) un interet legitime[^.;]{0,80}")

DEFAULT_BASIS: list[tuple[str, B]] = [
    ("essential.legal_obligation", B.legal_obligation), ("third_party_sharing.legal_obligation", B.legal_obligation),
    ("marketing.communications", B.consent), ("marketing.advertising", B.consent), ("analytics.reporting.ad_performance", B.consent),
    ("personalize.profiling", B.consent), ("third_party_sharing", B.consent), ("functional.storage", B.consent),
    ("personalize.system", B.consent),
    ("essential.service.security", B.legitimate_interests), ("essential.fraud_detection", B.legitimate_interests),
    ("essential.service.operations", B.legitimate_interests), ("essential", B.contract), ("sales", B.contract),
    ("employment", B.contract),
]


@dataclass(frozen=True)
class PurposeMention:
    use: str
    start: int
    end: int


@dataclass(frozen=True)
class BasisMention:
    basis: B
    start: int
    end: int


def find_purposes(norm: str) -> list[PurposeMention]:
    found: list[PurposeMention] = []
    taken: list[tuple[int, int]] = []
    for use, pattern in _USES:
        for m in pattern.finditer(norm):
            if m.start() and norm[m.start() - 1].isalnum():
                continue
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if any(f.use == use for f in found):
                break
            taken.append((m.start(), m.end()))
            found.append(PurposeMention(use, m.start(), m.end()))
            break
    return _narrowest(found)


def _narrowest(found: list[PurposeMention]) -> list[PurposeMention]:
    """Drop a use when a narrower one of the same family is found in the segment (marketing.advertising
    under marketing.advertising.third_party.targeted)."""
    uses = {f.use for f in found}
    return sorted((f for f in found if not any(u != f.use and u.startswith(f.use + ".") for u in uses)),
                  key=lambda f: f.start)


def find_bases(norm: str) -> list[BasisMention]:
    return list(_find_bases(norm))


@lru_cache(maxsize=8192)
def _find_bases(norm: str) -> tuple[BasisMention, ...]:
    found: list[BasisMention] = []
    for basis, pattern in _BASIS:
        for m in pattern.finditer(norm):
            if _NOT_BASIS_BEFORE.search(norm[max(0, m.start() - 30):m.start()]):
                continue
            found.append(BasisMention(basis, m.start(), m.end()))
    return tuple(sorted(found, key=lambda b: b.start))


def nearest_basis(bases: list[BasisMention], position: int) -> BasisMention | None:
    if not bases:
        return None
    return min(bases, key=lambda b: abs(b.start - position))


def default_basis(use: str) -> B:
    for prefix, basis in DEFAULT_BASIS:
        if use == prefix or use.startswith(prefix + "."):
            return basis
    return B.legitimate_interests


def stated_interest(norm: str) -> tuple[int, int] | None:
    match = _INTEREST.search(norm)
    return (match.start(), match.end()) if match else None
