"""Country names for the notice, in French and English.

The countries of the EEA, those with an adequacy decision and the usual destinations of
transfers. Any other code is shown as it is written in the register (ISO 3166-1 alpha-2).
"""

from __future__ import annotations

COUNTRIES: dict[str, tuple[str, str]] = {
    # EEA
    "AT": ("Autriche", "Austria"), "BE": ("Belgique", "Belgium"), "BG": ("Bulgarie", "Bulgaria"),
    "HR": ("Croatie", "Croatia"), "CY": ("Chypre", "Cyprus"), "CZ": ("Tchéquie", "Czechia"),
    "DK": ("Danemark", "Denmark"), "EE": ("Estonie", "Estonia"), "FI": ("Finlande", "Finland"),
    "FR": ("France", "France"), "DE": ("Allemagne", "Germany"), "GR": ("Grèce", "Greece"),
    "HU": ("Hongrie", "Hungary"), "IE": ("Irlande", "Ireland"), "IT": ("Italie", "Italy"),
    "LV": ("Lettonie", "Latvia"), "LT": ("Lituanie", "Lithuania"), "LU": ("Luxembourg", "Luxembourg"),
    "MT": ("Malte", "Malta"), "NL": ("Pays-Bas", "the Netherlands"), "PL": ("Pologne", "Poland"),
    "PT": ("Portugal", "Portugal"), "RO": ("Roumanie", "Romania"), "SK": ("Slovaquie", "Slovakia"),
    "SI": ("Slovénie", "Slovenia"), "ES": ("Espagne", "Spain"), "SE": ("Suède", "Sweden"),
    "IS": ("Islande", "Iceland"), "LI": ("Liechtenstein", "Liechtenstein"), "NO": ("Norvège", "Norway"),
    # adequacy decisions (art. 45)
    "AD": ("Andorre", "Andorra"), "AR": ("Argentine", "Argentina"), "CA": ("Canada", "Canada"),
    "FO": ("îles Féroé", "the Faroe Islands"), "GG": ("Guernesey", "Guernsey"), "IL": ("Israël", "Israel"),
    "IM": ("île de Man", "the Isle of Man"), "JP": ("Japon", "Japan"), "JE": ("Jersey", "Jersey"),
    "NZ": ("Nouvelle-Zélande", "New Zealand"), "KR": ("Corée du Sud", "South Korea"),
    "CH": ("Suisse", "Switzerland"), "GB": ("Royaume-Uni", "the United Kingdom"), "UY": ("Uruguay", "Uruguay"),
    "US": ("États-Unis", "the United States"),
    # other usual destinations
    "AU": ("Australie", "Australia"), "BR": ("Brésil", "Brazil"), "CN": ("Chine", "China"),
    "HK": ("Hong Kong", "Hong Kong"), "IN": ("Inde", "India"), "ID": ("Indonésie", "Indonesia"),
    "MA": ("Maroc", "Morocco"), "TN": ("Tunisie", "Tunisia"), "DZ": ("Algérie", "Algeria"),
    "SN": ("Sénégal", "Senegal"), "CI": ("Côte d'Ivoire", "Côte d'Ivoire"), "MU": ("Maurice", "Mauritius"),
    "MG": ("Madagascar", "Madagascar"), "MX": ("Mexique", "Mexico"), "PH": ("Philippines", "the Philippines"),
    "RU": ("Russie", "Russia"), "SG": ("Singapour", "Singapore"), "TR": ("Turquie", "Türkiye"),
    "UA": ("Ukraine", "Ukraine"), "AE": ("Émirats arabes unis", "the United Arab Emirates"),
    "VN": ("Viêt Nam", "Vietnam"), "ZA": ("Afrique du Sud", "South Africa"), "TW": ("Taïwan", "Taiwan"),
    "TH": ("Thaïlande", "Thailand"), "MY": ("Malaisie", "Malaysia"), "CL": ("Chili", "Chile"),
    "CO": ("Colombie", "Colombia"), "EG": ("Égypte", "Egypt"), "RS": ("Serbie", "Serbia"),
}


def country_name(code: str, lang: str) -> str:
    """'États-Unis' / 'the United States'; an unknown code as written."""
    names = COUNTRIES.get(code.upper())
    if names is None:
        return code.upper()
    return names[0] if lang == "fr" else names[1]


def codes_by_name() -> dict[str, str]:
    """The names above read back: each name, French and English, in lower case and without "the" -> its code."""
    found: dict[str, str] = {}
    for code, pair in COUNTRIES.items():
        for name in pair:
            found.setdefault(name.lower().removeprefix("the "), code)
    return found
