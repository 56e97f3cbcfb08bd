"""Data categories a policy lists, as fideslang keys at full depth.

Each cue is a pattern on folded text and the key it stands for, most specific first
("adresse e-mail" before "adresse"). A cue has a context level: 0 counts anywhere (the
words name personal data unambiguously: "adresse IP", "date de naissance"), 1 needs a
segment about data (it speaks of données, informations, collecte, "such as", or enumerates
other categories), 2 needs an enumeration (two other categories in the same segment:
"entreprise" in "vos nom, prénoms, entreprise, adresses postales").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egide.register.model import DataSource

_CUES: list[tuple[str, str, int]] = [
    (r"adresses? (?:e-?mail|electronique|mail|de courriel|courriel|de messagerie)s?|e-?mail address(?:es)?", "user.contact.email", 1),
    (r"\be-?mails?\b|courriels?|adresses? mails?", "user.contact.email", 1),
    (r"adresses? ip|ip address(?:es)?|adresse internet protocol|\(ip\)|masquage ip|\bip\b", "user.device.ip_address", 0),
    (r"(?:numeros?|n°|no) de (?:telephone|portable|mobile|fixe|tel)|(?:tele)?phone numbers?|mobile numbers?|"
     r"telephones? (?:portables?|mobiles?|fixes?)", "user.contact.phone_number", 0),
    (r"telephones?\b|\bportables?\b|phone\b", "user.contact.phone_number", 2),
    (r"(?:numeros? de )?(?:fax|telecopie)", "user.contact.fax_number", 2),
    (r"adresses? (?:postales?|de (?:livraison|facturation|domicile|residence)|physiques?)|(?:postal|home|billing|delivery|"
     r"shipping|mailing) address(?:es)?|codes? postal|postal codes?|zip codes?", "user.contact.address", 0),
    (r"adresses?(?! (?:e-?mail|ip|electronique|mail|de courriel|internet|url|web|suivante))\b|address(?:es)?\b(?! book)"
     r"|\bvilles?\b|\bcity\b", "user.contact.address", 2),
    (r"date de naissance|dates? of birth|birth ?dates?", "user.demographic.date_of_birth", 0),
    (r"\bages?\b|tranche d'age|age range", "user.demographic.age_range", 2),
    (r"\bsexe\b|\bgenre\b|\bgender\b", "user.demographic.gender", 2),
    (r"situation (?:familiale|matrimoniale)|marital status", "user.demographic.marital_status", 1),
    (r"parametres linguistiques|langues? (?:utilisees?|preferees?|parlees?|du navigateur)|language (?:settings|preferences)",
     "user.demographic.language", 1),
    (r"centres? d'interets?|profils? (?:d'utilisat(?:eur|ion)s?|utilisateurs?|de (?:vos )?interets?)|user profiles?|"
     r"interests\b|(?:vos|leurs|ses) interets\b(?! legitimes)", "user.demographic.profile", 1),
    (r"geolocalisation|localisation (?:precise|exacte|gps)|coordonnees gps|latitude|longitude|capteurs gps|"
     r"precise (?:geo)?location|\bgps\b", "user.location.precise", 0),
    (r"localisation|donnees de localisation|location data|\blocation\b|position geographique", "user.location.imprecise", 1),
    (r"nom d'utilisateur|pseudo(?:nyme)?s?\b|usernames?|user names?|login\b|identifiants? de connexion",
     "user.account.username", 1),
    (r"mots? de passe|passwords?|code secret|code pin", "user.authorization.password", 0),
    (r"(?:donnees|identifiants|informations) d'acces|credentials", "user.authorization.credentials", 1),
    (r"(?:numeros?|donnees|informations|coordonnees|details) (?:de |des |du |relatives? (?:a|aux) (?:vos |leurs )?)?"
     r"(?:la )?cartes? (?:bancaires?|de credit|de paiement|bleue)|cartes? (?:bancaires?|de credit|bleue)|credit cards?|"
     r"debit cards?|card (?:numbers?|details)|cryptogramme|\bcvv2?\b|\bcvc\b", "user.financial.credit_card", 0),
    (r"\biban\b|\brib\b|coordonnees bancaires|releve d'identite bancaire|numeros? de compte(?: bancaire)?|bank (?:account|"
     r"details)|(?:details|donnees) du compte(?! client)", "user.financial.bank_account", 0),
    (r"(?:donnees|informations|moyens?|modes?|details) de (?:paiement|reglement)|payment (?:data|information|details|methods?)",
     "user.payment", 0),
    (r"solvabilite|revenus?\b|salaires?\b|situation financiere|credit ?worthiness|income\b|financial information",
     "user.financial", 1),
    (r"nom de (?:la |votre |l')?(?:societe|entreprise)|raison sociale|company names?|\bemployeurs?\b|\bemployers?\b"
     r"|type d'entreprise", "user.contact.organization", 1),
    (r"\bentreprises?\b|\bsocietes?\b|organisations?\b|companies|company\b", "user.contact.organization", 2),
    (r"intitule (?:de|du) poste|fonction occupee|poste occupe|job titles?|\bprofession\b|\bfonctions?\b",
     "user.job_title", 2),
    (r"historique de navigation|pages? (?:consultees|visitees|vues|recuperees|precedemment visitee)|donnees de navigation|"
     r"(?:url|site|page) (?:de reference|de provenance|du referent)|url de reference|\breferr?ers?\b|parcours de navigation|"
     r"\bclics?\b|temps (?:passe|consacre)|browsing (?:history|data|behaviou?r)|pages (?:you )?visited|clickstream|"
     r"contenus? consultes?|comportement (?:de navigation|d'utilisat(?:eur|ion))",
     "user.behavior.browsing_history", 0),
    (r"(?:votre|leur|son|l') (?:utilisation|usage) (?:de notre|du|de ce|de la|de l') (?:site|plateforme|application|service)|"
     r"usage data|donnees d'(?:usage|utilisation)", "user.behavior.browsing_history", 1),
    (r"historique (?:d'achats?|des commandes|de commandes|des transactions)|(?:details|nature) de (?:vos|ses|leurs) achats|"
     r"achats? effectues|commandes? (?:passees|effectuees)|(?:donnees|informations) (?:relatives a|sur) (?:vos|les|leurs) "
     r"(?:transactions|commandes|achats)|purchase history|order history|abonnements? souscrits", "user.behavior.purchase_history", 0),
    (r"(?:donnees|details) (?:relatives a vos |de vos )?(?:transactions|commandes|achats|abonnements)|\bachats\b|purchases\b",
     "user.behavior.purchase_history", 1),
    (r"recherches? effectuees|historique de recherche|search (?:history|queries|terms)|produits? (?:et [^,.;]{0,30})?"
     r"(?:que vous avez )?(?:consultes ou )?recherches", "user.behavior.search_history", 0),
    (r"\bnoms? de famille\b|\bsurnames?\b|last names?|family names?", "user.name.last", 0),
    (r"\bprenoms?\b|first names?|given names?", "user.name.first", 0),
    (r"(?<!en notre )(?<!au )(?<!en son )(?<!en votre )(?<!en leur )(?<!du )\bnoms?\b(?! (?:de domaine|d'utilisateur|de la societe|"
     r"de l'entreprise|de (?:votre|la|l') (?:societe|entreprise)|commercial|d'hote|du fichier|et l'url|de la plateforme|"
     r"de bureau|du site|de l'application|de famille))|\bfull names?\b|\bnames?\b(?! of (?:the|our) )",
     "user.name", 1),
    (r"identifiants? (?:de l'appareil|d'appareil|publicitaires?|unique de l'appareil|d'instance|de (?:votre )?terminal)|"
     r"device (?:ids?|identifiers?)|advertising (?:id|identifier)s?|\bidfa\b|\bimei\b|\bgaid\b", "user.device.device_id", 0),
    (r"(?:identifiants?|ids?) (?:de |des )?cookies?|cookie ids?|\bcookies?\b|\btraceurs?\b|trackers?\b|balises? web|"
     r"pixels?\b|web beacons?", "user.device.cookie_id", 0),
    (r"(?:type|modele|version)s? (?:et (?:la |le )?(?:version|modele) )?(?:de |du |d')?(?:votre )?(?:navigateur|l'appareil|"
     r"appareil|terminal|systeme d'exploitation)|navigateurs?\b|systemes? d'exploitation|(?:informations|donnees|"
     r"caracteristiques) techniques|browser (?:type|version)|\bbrowsers?\b|operating systems?|device information|fuseaux? "
     r"horaires?|resolution d'(?:ecran|affichage)|user.?agent|fournisseurs? d'acces|informations de (?:votre|l') appareil",
     "user.device", 0),
    (r"temps de reponse|erreurs? de chargement|rapports? de (?:panne|plantage|crash)|crash reports?|diagnostics?\b|"
     r"performance data|donnees de performance|fichiers? (?:journaux|journal|de logs?)|\blogs?\b|journaux (?:de connexion|"
     r"du serveur)|date et (?:l')?heure (?:de|d'|du)", "user.telemetry", 1),
    (r"identifiants? (?:clients?|uniques?|utilisateurs?|d'utilisateurs? facebook)|numeros? (?:de )?clients?|customer (?:ids?|"
     r"numbers?)|user ids?|identifiant client", "user.unique_id", 1),
    (r"pseudonymi[sz]e|pseudonymes?|pseudonymous", "user.unique_id.pseudonymous", 1),
    (r"photos? (?:de profil|d'identite)|votre photo|selfies?|your (?:photo|picture)|profile (?:photo|picture)",
     "user.content.self_image", 0),
    (r"(?:avis|commentaires?|contributions?|contenus? publies?)(?: (?:publies?|en ligne|sur (?:le site|la plateforme)))?|"
     r"\breviews?\b|\bcomments\b|public posts?", "user.content.public", 1),
    (r"enregistrements? (?:des |de vos |de )?(?:conversations?|appels?|communications?)|conversations? telephoniques?|"
     r"messages? prives?|correspondances?|\bmessages?\b|notes? d'appels?|(?:call )?recordings?|private messages?",
     "user.content.private", 1),
    (r"photos?|images?|videos?|documents? (?:que vous|transmis|televerses)|fichiers? (?:que vous|transmis)|contenus?"
     r"(?: que vous| generes| cree)|user.generated content|uploaded (?:files|content)", "user.content", 1),
    (r"(?:compte client|compte utilisateur|espace client|(?:donnees|informations) (?:de|du|relatives? a votre) compte|"
     r"account (?:data|information|details)|informations de connexion|vos informations de connexion)", "user.account", 1),
    (r"preferences (?:de communication|de confidentialite|en matiere de cookies|marketing)|(?:choix|preferences) (?:en "
     r"matiere )?de cookies|consentements? (?:donnes|recueillis)|listes? d'opposition|droit d'opposition|opt-?outs?|privacy "
     r"preferences|consent records?", "user.privacy_preferences", 1),
    (r"profils? (?:sur les |de )?reseaux sociaux|identifiants? (?:facebook|google|linkedin|apple)|social (?:media|network) "
     r"(?:profiles?|accounts?|ids?)", "user.social", 0),
    (r"(?:pieces?|justificatifs?|preuves?) d'identite|cartes? (?:nationale )?d'identite|identity (?:documents?|cards?)",
     "user.government_id", 0),
    (r"passeports?|passport", "user.government_id.passport_number", 1),
    (r"permis de conduire|driver'?s? licen[cs]e", "user.government_id.drivers_license_number", 1),
    (r"numeros? de securite sociale|\bnir\b|numero d'inscription au repertoire|social security numbers?|national "
     r"(?:id|identification) numbers?", "user.government_id.national_identification_number", 0),
    (r"(?:numeros? d')?immatriculation (?:du |de votre )?vehicule|plaques? d'immatriculation|licen[cs]e plates?",
     "user.government_id.vehicle_registration", 0),
    (r"\bsante\b|donnees medicales|informations medicales|handicaps?|allergies?|health data|medical (?:data|information)",
     "user.health_and_medical", 1),
    (r"biometri|empreintes? digitales?|reconnaissance faciale|fingerprints?|facial recognition", "user.biometric", 1),
    (r"condamnations? penales|infractions|casier judiciaire|criminal (?:records?|convictions?|offen[cs]es)",
     "user.criminal_history", 1),
    (r"opinions? politiques|political opinions?", "user.demographic.political_opinion", 1),
    (r"convictions? (?:religieuses|philosophiques)|religious (?:beliefs?|convictions?)", "user.demographic.religious_belief", 1),
    (r"origine (?:raciale|ethnique)|racial or ethnic origin", "user.demographic.race_ethnicity", 1),
    (r"orientation sexuelle|vie sexuelle|sexual orientation|sex life", "user.demographic.sexual_orientation", 1),
    (r"donnees (?:des |d')?(?:enfants|mineurs)|children'?s data", "user.childrens", 1),
]
_COMPILED = [(re.compile(p), key, level) for p, key, level in _CUES]  # word start checked in code (faster scans)

DATA_CONTEXT = re.compile(r"donnees|informations?|renseignements?|collect|recueil|fourni|saisi|communiqu|traitons|enregistr|"
                          r"comprenn|notamment|tel(?:le)?s? que|such as|including|\bdata\b|information|collect|provide|"
                          r"process|stock|conserv|gard|suivantes|following|:")
# What announces a list of data: "Quelles données :", "**Données collectées**", "Information we collect:".
DATA_LEAD = re.compile(r"donnees|informations|renseignements|categories|\bdata\b|information")
NEGATED = re.compile(r"ne (?:collectons|recueillons|traitons|stockons|conservons|demandons|sont|seront|pas) [^.]{0,30}pas|"
                     r"ne sont pas (?:collectees|stockees|conservees|enregistrees)|n'est pas (?:stocke|conserve|collecte|enregistre)"
                     r"|aucune donnee|jamais|do not (?:collect|store|process)|never (?:collect|store)|is not (?:stored|collected)|"
                     r"are not (?:stored|collected)")
_OBSERVED = ("user.device", "user.behavior.browsing_history", "user.behavior.search_history", "user.telemetry",
             "user.location")
_THIRD_PARTY = re.compile(r"aupres (?:de|des) (?:tiers|partenaires|tierces parties)|d'autres sources|autres sources|"
                          r"(?:nos )?partenaires nous (?:transmettent|communiquent)|from (?:third parties|other sources|our partners)")
_CHANNEL_BEFORE = re.compile(r"(?:\bpar|\bvia|\bby|\ben)\s+(?:un |une |le |la )?$")
_SETTINGS_OF = re.compile(r"(?:parametres|reglages|preferences|configuration|options|settings) (?:de |du |d')?(?:votre |son |"
                          r"leur |the |your )?$")
_RIGHTS_REQUEST = re.compile(r"\bdemande|exercer|exercice|\bdroits?\b|request|rights?\b")


@dataclass(frozen=True)
class CategoryMention:
    key: str
    start: int
    end: int
    source: DataSource


def usual_source(key: str) -> DataSource:
    """Where data of this category usually comes from when the text does not say: observed for device and
    browsing data, else given by the person."""
    return DataSource.observed if key.startswith(_OBSERVED) else DataSource.provided


def find_categories(norm: str, list_context: bool = False) -> list[CategoryMention]:
    """Data categories named in one folded segment. ``list_context``: the segment is an item of a list
    introduced as a list of data (so level-1 cues count)."""
    if NEGATED.search(norm):
        return []
    raw: list[tuple[int, int, str, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern, key, level in _COMPILED:
        for m in pattern.finditer(norm):
            if m.start() and norm[m.start() - 1].isalnum():
                continue
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            raw.append((m.start(), m.end(), key, level))
            taken.append((m.start(), m.end()))
    strong = {key for _, _, key, level in raw if level <= 1}
    data_context = list_context or bool(DATA_CONTEXT.search(norm))
    rights = bool(_RIGHTS_REQUEST.search(norm))
    source = DataSource.third_party if _THIRD_PARTY.search(norm) else None
    found: list[CategoryMention] = []
    for start, end, key, level in sorted(raw):
        if key.startswith("user.contact") and _CHANNEL_BEFORE.search(norm[max(0, start - 8):start]):
            continue  # "par e-mail", "by phone": a way to reach, not a category
        if key == "user.device" and _SETTINGS_OF.search(norm[max(0, start - 30):start]):
            continue  # "dans les paramètres de votre navigateur": where to refuse, not the browser's data
        if level == 1 and not (data_context or len(strong) >= 3):
            continue
        if level == 2 and len(strong - {key}) < 2:
            continue
        if key == "user.government_id" and rights:
            continue  # the ID asked with a rights request is not a category the activity processes
        origin = source or (DataSource.observed if key.startswith(_OBSERVED) else DataSource.provided)
        found.append(CategoryMention(key, start, end, origin))
    return found
