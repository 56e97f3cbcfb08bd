"""Where the GDPR's area ends: transfers to countries outside the EEA need a chapter V ground."""

from __future__ import annotations

EU = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
EEA = EU | {"IS", "LI", "NO"}

# Countries with an adequacy decision under art. 45 (as of 2025; the US only for
# organisations certified under the EU-US Data Privacy Framework).
ADEQUATE = frozenset({"AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"})


def is_eea(country: str) -> bool:
    return country.upper() in EEA


def has_adequacy_decision(country: str) -> bool:
    return country.upper() in ADEQUATE
