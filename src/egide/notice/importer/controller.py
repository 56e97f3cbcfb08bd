"""Who the controller is, how to reach it and its DPO, which authority hears complaints, and the
policy's date: read from the sentences that French (and English) legal notices use for them
("la société X, SAS au capital de ..., immatriculée au RCS de Ville sous le n° ...,
dont le siège social est situé ...", "délégué à la protection des données", "CNIL",
"mise à jour le ...")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from egide.notice.importer.gazetteer import find_known_recipients
from egide.notice.importer.text import PolicyText, Segment, fold

_FORMS = (r"SASU|SAS|SARL|EURL|SA|SNC|SCI|SCOP|SELARL|SELAS|SCM|GIE|SEM|SCA|B\.V\.|BV|N\.V\.|GmbH|AG|Ltd\.?|"
          r"Limited|Inc\.?|LLC|S\.A\.S\.?|S\.A\.R\.L\.?|S\.A\.|S\.L\.|S\.p\.A\.|PLC|plc")
_LONG_FORMS = [
    (r"soci[ée]t[ée] par actions simplifi[ée]e (?:unipersonnelle|à associé unique|a associe unique)", "SASU"),
    (r"soci[ée]t[ée] par actions simplifi[ée]e", "SAS"),
    (r"entreprise unipersonnelle à responsabilité limitée", "EURL"),
    (r"soci[ée]t[ée] à responsabilit[ée] limit[ée]e", "SARL"),
    (r"soci[ée]t[ée] anonyme", "SA"),
    (r"soci[ée]t[ée] en nom collectif", "SNC"),
    (r"soci[ée]t[ée] civile immobili[èe]re", "SCI"),
    (r"soci[ée]t[ée] coop[ée]rative", "SCOP"),
    (r"[ée]tablissement public(?: [àa] caract[èe]re (?:administratif|industriel et commercial))?", "établissement public"),
    (r"association (?:loi (?:de )?1901|régie par la loi)", "association"),
    (r"groupement d'intérêt public", "GIP"),
]
_NAME = r"[A-Z0-9][\w&'’.\-]*(?:[ \t]+(?:[A-Z0-9&][\w&'’.\-]*|de|du|des|et|&|la|le))*"
_PUBLIC_BODY = (r"(?:Commune|Ville|Mairie|D[ée]partement|R[ée]gion|M[ée]tropole|Communaut[ée] (?:de communes|"
                r"d['’]agglom[ée]ration|urbaine)|Conseil (?:d[ée]partemental|r[ée]gional)|Centre hospitalier(?: universitaire)?|"
                r"Universit[ée]|Syndicat|Office|Agence|Minist[èe]re|Caisse|Pr[ée]fecture|[ÉE]tablissement public)")
_NAME_PATTERNS = [
    re.compile(rf"(?P<name>{_PUBLIC_BODY}(?:\s+(?:de|du|des|d['’])\s*[A-ZÉ][\w\-'’]+(?:[ -][A-ZÉ][\w\-'’]+)*|"
               rf"(?:\s+[A-ZÉ][\w\-'’]+)+))"),
    re.compile(rf"(?:[Ll]a|[Ll]a présente|[Tt]he)\s+(?:soci[ée]t[ée]|company|entreprise|association|commune|ville)\s+(?P<name>{_NAME})"),
    re.compile(rf"(?P<name>(?:[A-Z0-9][\w&'’.\-]*|[a-z]+\d[\w]*)(?:[ \t]+[A-Z0-9&][\w&'’.\-]*){{0,3}}),?[ \t]+(?:\()?(?P<form>{_FORMS})(?=[\s,.;)]|$)"),
    re.compile(rf"\b(?:[Ll]a|[Ll]')?\s*(?P<form>{_FORMS})\s+(?P<name>{_NAME})"),
    re.compile(rf"(?:responsable (?:du|de) (?:traitement|la collecte)[^.:]{{0,60}}?(?:est|:)|controller (?:is|:)|"
               rf"[ÉéEe]diteur(?: du site)?\s*:?)\s+(?:la soci[ée]t[ée]\s+|the company\s+)?(?P<name>{_NAME})"),
    re.compile(rf"(?:[Rr]aison sociale|[Dd][ée]nomination(?: sociale)?|[Cc]ompany name)\s*:\s*(?P<name>{_NAME})"),
]
_REGISTRATION = [
    re.compile(r"(?:RCS|R\.C\.S\.?)\s*(?:de\s+|d['’]\s*)?(?P<city>[A-ZÉ][\w\-]+(?:[ -][A-Z][\w\-]+)?)?\s*,?\s*(?:sous le\s+)?"
               r"(?:(?:n°|no|num[ée]ro|number|B)\s*:?\s*)?(?P<num>\d{3}[\s.]?\d{3}[\s.]?\d{3})"),
    re.compile(r"Registre du [Cc]ommerce et des [Ss]oci[ée]t[ée]s\s+(?:de\s+|d['’]\s*)(?P<city>[A-ZÉ][\w\-]+(?:[ -][A-Z][\w\-]+)?)"
               r"[^\d]{0,40}?(?P<num>\d{3}[\s.]?\d{3}[\s.]?\d{3})"),
]
_SIREN = re.compile(r"(?P<kind>SIREN|SIRET)\s*(?:n°|:)?\s*:?\s*(?P<num>\d[\d\s]{8,17}\d)")
_KVK = re.compile(r"(?:KvK|Kamer van Koophandel|[Cc]hamber of [Cc]ommerce|Handelsregister)[^\d\n]{0,25}(?P<num>\d{8})")
_CAPITAL = re.compile(r"capital (?:social )?(?:de |d['’]un montant de )?(?P<cap>\d[\d\s.,]*\s?(?:euros|€|EUR))")
_STREET_TYPES = (r"rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|quai|impasse|route|cours|square|passage|esplanade|"
                 r"parvis|rond-point|cit[ée]|villa|faubourg|voie|lieu-dit|parc|r[ée]sidence|hameau|mont[ée]e|promenade|"
                 r"zone|ZA|ZI|ZAC")
_COUNTRY_NAMES = {"france": "FR", "belgique": "BE", "suisse": "CH", "luxembourg": "LU", "pays-bas": "NL",
                  "allemagne": "DE", "espagne": "ES", "italie": "IT", "irlande": "IE", "royaume-uni": "GB",
                  "monaco": "MC", "canada": "CA", "netherlands": "NL", "germany": "DE", "belgium": "BE",
                  "ireland": "IE", "united kingdom": "GB", "switzerland": "CH", "spain": "ES", "italy": "IT"}
_COUNTRY = "|".join(sorted((c.title() if c != "pays-bas" else "Pays-Bas" for c in _COUNTRY_NAMES), key=len, reverse=True))
_FR_ADDRESS = re.compile(
    rf"(?P<street>\d{{1,4}}(?:\s?(?:bis|ter|B))?,?\s+(?:{_STREET_TYPES})\b[^,\n;()]{{1,60}}?)\s*(?:,|\n|–|-)?\s*"
    rf"(?:(?:CS|BP)\s*\d+\s*,?\s*)?(?P<postal>\d{{5}}|\d{{2}}\s\d{{3}})\s+(?P<city>[A-ZÉÈ][\w\-'’]+(?:[ -][A-ZÉÈ][\w\-'’]+)*"
    rf"(?:\s+C[ée]dex(?:\s+\d+)?)?)(?:\s*(?:,|–|-|\n)\s*(?P<country>{_COUNTRY}))?")
_INTL_ADDRESS = re.compile(
    rf"(?P<street>[A-Z][\w\-]*(?:straat|weg|laan|plein|gracht|singel|strasse|straße|str\.|gasse|platz|street|road|way|"
    rf"lane)\s+\d{{1,4}}\w?)\s*,?\s*\n?\s*(?P<postal>\d{{4}}\s?[A-Z]{{2}}|\d{{4,5}})\s+(?P<city>[A-Z][\w\-]+)"
    rf"(?:\s*(?:,|\n)\s*(?P<country>{_COUNTRY}))?")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"(?:\+33\s?\(?0?\)?\s?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b|\+\d{2,3}\s?(?:\(0\))?\s?\d[\d\s]{6,12}\d")
_WEBSITE = re.compile(r"(?:https?://)?www\.[\w\-]+(?:\.[\w\-]+)+|https?://[\w\-]+(?:\.[\w\-]+)+")
_CONTROLLER_CUE = re.compile(r"responsables? (?:du|de|des) (?:traitements?|la collecte)|controller|editeur|siege social|"
                             r"registered office|\brcs\b|registre du commerce|immatricul|\bsiren|\bsiret|capital (?:social )?de|"
                             r"raison sociale|proprietaire du site")


@dataclass
class Found:
    """Fields read from the text, the segment they come from and how sure the reading is."""

    fields: dict[str, str] = field(default_factory=dict)
    segment: Segment | None = None
    confidence: float = 0.0
    why: str = ""


def find_controller(policy: PolicyText) -> Found:
    best: tuple[int, Segment] | None = None
    total = max(1, len(policy.segments))
    for i, seg in enumerate(policy.segments):
        score = _controller_score(seg, policy.segments[i - 1] if i else None, i / total)
        if score >= 3 and (best is None or score > best[0]):
            best = (score, seg)
    if best is None:
        return Found(why="the text does not name the controller")
    seg = best[1]
    window = policy.source[seg.start:min(len(policy.source), seg.end + 300)]
    before = policy.source[max(0, seg.start - 200):seg.start]
    fields: dict[str, str] = {}
    name, form = _name_and_form(seg.text) or _name_and_form(before.split("\n")[-1] if before else "") or (None, None)
    if name:
        fields["name"] = name
    form = form or _long_form(seg.text) or _form_after(seg.text, name)
    if form:
        fields["legal_form"] = form
    registration = _registration(seg.text) or _registration(window)
    if registration:
        fields["registration"] = registration
    capital = _CAPITAL.search(seg.text)
    if capital:
        fields["share_capital"] = " ".join(capital.group("cap").split())
    address = find_address(window) or find_address(before[-150:] + window)
    if address:
        fields["address"], country = address
        if country:
            fields["country"] = country
        elif policy.language == "fr" and re.search(r"\b\d{5}\b", address[0]):
            fields["country"] = "FR"
    email = EMAIL.search(window)
    if email:
        fields["email"] = email.group(0).rstrip(".")
    website = _WEBSITE.search(seg.text)
    if website:
        fields["website"] = website.group(0)
    phone = _PHONE.search(window)
    if phone:
        fields["phone"] = " ".join(phone.group(0).split())
    confidence = 0.9 if name and (registration or form) else 0.6 if name else 0.3
    return Found(fields, seg, confidence, "named with legal form or registration" if confidence > 0.8 else
                 "named near a controller cue; check the name" if name else "controller cue found, name not read")


def _form_after(text: str, name: str | None) -> str | None:
    at = text.find(name) + len(name) if name and name in text else 0
    match = re.search(rf"(?<![\w])(?:{_FORMS})(?![\w])", text[at:at + 60])
    return match.group(0) if match else None


_CONTROLLER_SECTION = re.compile(r"responsable|controller|editeur|qui sommes|identite|about us|a propos|coordonnees|"
                                 r"contact|who we are|mentions legales")
_CONTROLLER_INTRO = re.compile(r"traitees par|responsable|edite par|published by|operated by|controller|exploite par")


def _controller_score(seg: Segment, previous: Segment | None, position: float) -> int:
    score = 0
    if seg.kind == "heading" and not _name_and_form(seg.text):
        return 0
    if _CONTROLLER_SECTION.search(seg.section):
        score += 2
    if previous is not None and previous.ends_with_colon and _CONTROLLER_INTRO.search(previous.norm):
        score += 2
    if position < 0.25:
        score += 1
    if find_known_recipients(seg.text, seg.norm):
        score -= 2
    if _CONTROLLER_CUE.search(seg.norm):
        score += 2
    if any(p.search(seg.text) for p in _REGISTRATION) or _SIREN.search(seg.text) or _KVK.search(seg.text):
        score += 3
    if _FORM_WORD.search(seg.text) and _name_and_form(seg.text):
        score += 2
    if _long_form(seg.text):
        score += 2
    if _FR_ADDRESS.search(seg.text) or _INTL_ADDRESS.search(seg.text):
        score += 1
    if re.search(r"\b(?:la|the) (?:societe|company)\s+[a-z0-9]", seg.norm):
        score += 1
    return score


def _name_and_form(text: str) -> tuple[str, str | None] | None:
    if not (_FORM_WORD.search(text) or re.search(r"soci[ée]t[ée]|company|entreprise|association|commune|ville|"
                                                 r"responsable|controller|[ÉéEe]diteur|[Rr]aison sociale|[Dd][ée]nomination",
                                                 text)):
        return None
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(text):
            name = _clean_name(match.group("name"))
            if not name or fold(name) in _NOT_NAMES or len(name) < 2:
                continue
            form = match.groupdict().get("form")
            return name, (form.rstrip(".") if form and form.endswith(".") and form.count(".") == 1 else form)
    return None


_NOT_NAMES = {"le site", "la societe", "nous", "rgpd", "cnil", "le", "la", "site", "the", "our", "la plateforme"}


def _clean_name(name: str) -> str:
    name = re.sub(r"(?:[ \t]+(?:de|du|des|et|&|la|le))+$", "", name.strip()).strip(" ,.;:-")
    return name


_LONG_FORM_PATTERNS = [(re.compile(p, re.IGNORECASE), form) for p, form in _LONG_FORMS]
_FORM_WORD = re.compile(rf"(?<![\w])(?:{_FORMS})(?![\w])")


def _long_form(text: str) -> str | None:
    if not re.search(r"soci|tabli|associ|entreprise|groupement", text, re.IGNORECASE):
        return None
    for pattern, form in _LONG_FORM_PATTERNS:
        if pattern.search(text):
            return form
    return None


def _registration(text: str) -> str | None:
    for pattern in _REGISTRATION:
        match = pattern.search(text)
        if match:
            digits = re.sub(r"\D", "", match.group("num"))
            city = (match.group("city") or "").strip()
            if city.lower() in ("sous", "le", "n", "no", "numero", "numéro"):
                city = ""
            return f"RCS {city + ' ' if city else ''}{digits[:3]} {digits[3:6]} {digits[6:9]}"
    match = _SIREN.search(text)
    if match:
        return f"{match.group('kind')} {' '.join(match.group('num').split())}"
    match = _KVK.search(text)
    if match:
        return f"KvK {match.group('num')}"
    return None


def find_address(text: str) -> tuple[str, str | None] | None:
    for pattern in (_FR_ADDRESS, _INTL_ADDRESS):
        match = pattern.search(text)
        if match:
            street = " ".join(match.group("street").split()).rstrip(",")
            country = match.group("country")
            address = f"{street}, {match.group('postal')} {' '.join(match.group('city').split())}"
            if country:
                address += f", {country}"
            return address, _COUNTRY_NAMES.get(fold(country)) if country else None
    return None


# --- DPO --------------------------------------------------------------------------------------

_DPO = re.compile(r"delegue(?:e)? (?:a|a la|de la) protection des donnees|\bdpo\b|\bdpd\b|data protection officer|"
                  r"delegue(?:e)? (?:rgpd|informatique et libertes)")
_NO_DPO = re.compile(r"(?:n'avons|n'a|pas) (?:pas )?(?:designe|nomme)|not (?:appointed|designated)|pas de (?:dpo|delegue)")
_PERSON = re.compile(r"(?:M\.|Mme|Monsieur|Madame|Mr\.?|Mrs\.?|Ms\.?)\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?")


def find_dpo(policy: PolicyText) -> Found:
    for i, seg in enumerate(policy.segments):
        if not _DPO.search(seg.norm) or _NO_DPO.search(seg.norm):
            continue
        fields: dict[str, str] = {}
        for follower in [seg] + policy.segments[i + 1:i + 3]:
            if follower is not seg and follower.kind == "heading":
                break
            email = EMAIL.search(follower.text)
            if email and "email" not in fields:
                fields["email"] = email.group(0).rstrip(".")
            address = find_address(policy.source[follower.start:follower.end + 80])
            if address and "postal_address" not in fields and follower is seg:
                fields["postal_address"] = address[0]
        person = _PERSON.search(seg.text)
        if person:
            fields["name"] = person.group(0)
        if fields:
            return Found(fields, seg, 0.9, "DPO named with a contact")
        return Found({}, seg, 0.5, "the text mentions a DPO but gives no contact for it")
    return Found(why="the text names no data protection officer")


# --- supervisory authority --------------------------------------------------------------------

AUTHORITIES = [
    (r"\bcnil\b|commission nationale (?:de l')?informatique et (?:des )?libertes",
     "Commission Nationale de l'Informatique et des Libertés (CNIL)", "FR", "https://www.cnil.fr"),
    (r"autoriteit persoonsgegevens", "Autoriteit Persoonsgegevens", "NL", "https://autoriteitpersoonsgegevens.nl"),
    (r"gegevensbeschermingsautoriteit|autorite de protection des donnees \(apd\)|\bapd\b",
     "Autorité de protection des données (APD)", "BE", "https://www.autoriteprotectiondonnees.be"),
    (r"\bcnpd\b|commission nationale pour la protection des donnees", "Commission nationale pour la protection des données (CNPD)",
     "LU", "https://cnpd.public.lu"),
    (r"information commissioner|\bico\b", "Information Commissioner's Office (ICO)", "GB", "https://ico.org.uk"),
    (r"\baepd\b|agencia espanola de proteccion de datos", "Agencia Española de Protección de Datos (AEPD)", "ES",
     "https://www.aepd.es"),
    (r"garante per la protezione", "Garante per la protezione dei dati personali", "IT", "https://www.garanteprivacy.it"),
    (r"data protection commission", "Data Protection Commission", "IE", "https://www.dataprotection.ie"),
    (r"\bbfdi\b|bundesbeauftragte", "Bundesbeauftragte für den Datenschutz (BfDI)", "DE", "https://www.bfdi.bund.de"),
    (r"\bpfpdt\b|\bedoeb\b|prepose federal a la protection des donnees", "Préposé fédéral à la protection des données (PFPDT)",
     "CH", "https://www.edoeb.admin.ch"),
]
_AUTHORITIES = [(re.compile(p), name, country, url) for p, name, country, url in AUTHORITIES]


def find_authority(policy: PolicyText) -> Found:
    for seg in policy.segments:
        for pattern, name, country, url in _AUTHORITIES:
            if pattern.search(seg.norm):
                return Found({"name": name, "country": country, "url": url}, seg, 0.95, "the authority is named")
    return Found(why="the text names no supervisory authority")


# --- policy date and title --------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre "
                                          "decembre".split())}
_MONTHS.update({m: i + 1 for i, m in enumerate("january february march april may june july august september october "
                                               "november december".split())})
_MONTH = "|".join(_MONTHS)
_DATES = [
    (re.compile(rf"\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d{{2}})\b"), "dmy"),
    (re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b"), "mdy"),
    (re.compile(r"\b(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>(?:19|20)\d{2})\b"), "dmy"),
    (re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b"), "ymd"),
]
_DATE_CUE = re.compile(r"mise a jour|mis a jour|modifi|vigueur|en date du|version|updated|effective|revised|derniere|"
                       r"date|applicable|publie|last changed")
_TITLE_CUE = re.compile(r"politique|charte|confidentialite|vie privee|donnees personnelles|privacy|cookies|"
                        r"protection des donnees|mentions legales|notice")


def find_policy_date(policy: PolicyText) -> tuple[str, dt.date, Segment] | None:
    for seg in policy.segments:
        if not _DATE_CUE.search(seg.norm):
            continue
        for pattern, _ in _DATES:
            match = pattern.search(seg.norm)
            if match is None:
                continue
            month = match.group("m")
            month_number = int(month) if month.isdigit() else _MONTHS[month]
            try:
                date = dt.date(int(match.group("y")), month_number, int(match.group("d")))
            except ValueError:
                continue
            return seg.text[match.start():match.end()], date, seg
    return None


def find_title(policy: PolicyText) -> Segment | None:
    for seg in policy.segments[:5]:
        if seg.kind == "heading" and len(seg.text) <= 150 and _TITLE_CUE.search(seg.norm):
            return seg
    return None
