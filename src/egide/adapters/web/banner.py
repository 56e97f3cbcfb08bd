"""The cookie banner's configuration, built from the active register, and the script that carries it.

``banner_config`` is a pure function: register in, JSON-ready dict out. Nothing in the banner is
written by hand per site: the categories, the cookies listed under each, their providers,
purposes and lifetimes, and how long a choice is remembered all come from the register's
``cookies`` and ``cookie_policy`` sections. Only the banner's own sentences (in French and in
English) live here.

``build_banner_script`` puts that configuration into ``static/banner.js`` so one request gives the
browser everything. Three fingerprints travel with it:

* ``register_version``: the sha256 of the register's text, as the store keeps it;
* ``cookies_hash``: the sha256 of the canonical cookie list (see :func:`cookies_hash`). When it
  changes, a choice made before no longer covers what the site places, so the banner asks again;
* ``banner_sha256``: the sha256 of the script exactly as served, computed with the 64 hex digits
  of ``banner_sha256`` itself replaced by 64 zeros (``"0" * 64``). Anyone holding the served
  script can check it: replace the value with zeros, hash the bytes, compare. The ledger keeps it
  with each choice, so a choice can be tied to the very text and buttons that were shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from egide.domain.durations import Duration
from egide.register.loader import LoadedRegister
from egide.register.model import Cookie, CookieCategory, Register

CONSENT_COOKIE = "egide_consent"
CONSENT_ENDPOINT = "/api/v1/consents"
DEFAULT_REMEMBER_FOR = "P6M"
CONFIG_PLACEHOLDER = "__EGIDE_CONFIG__"
SHA_ZEROS = "0" * 64
LANGUAGES = ("fr", "en")

# A cookie name as RFC 6265 allows it, optionally ending in * for a family (_ga_*): only such
# names can be deleted by the banner when a category is refused. "Google Analytics" is a label.
_COOKIE_NAME = re.compile(r"^[!#$%&'+\-.^_`|~0-9A-Za-z]{1,64}\*?$")

CATEGORY_ORDER = [c.value for c in CookieCategory]

CATEGORY_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "strictly_necessary": {
        "fr": ("Strictement nécessaires", "Indispensables au fonctionnement du site ; ils ne demandent pas votre accord."),
        "en": ("Strictly necessary", "Needed for the site to work; they do not need your consent."),
    },
    "functional": {
        "fr": ("Fonctionnels", "Retenir vos préférences et afficher certains contenus (vidéos, panier, avis)."),
        "en": ("Functional", "Remember your preferences and show some content (videos, cart, reviews)."),
    },
    "analytics": {
        "fr": ("Mesure d'audience", "Compter les visites et comprendre comment le site est utilisé."),
        "en": ("Analytics", "Count visits and understand how the site is used."),
    },
    "advertising": {
        "fr": ("Publicité", "Afficher des publicités selon vos centres d'intérêt et mesurer leur efficacité."),
        "en": ("Advertising", "Show ads based on your interests and measure how well they work."),
    },
    "social": {
        "fr": ("Réseaux sociaux", "Boutons de partage et contenus de réseaux sociaux, qui peuvent suivre votre visite."),
        "en": ("Social media", "Share buttons and social-media content, which may track your visit."),
    },
    "partners": {
        "fr": ("Partenaires", "Cookies de partenaires pour personnaliser la publicité en dehors du site."),
        "en": ("Partners", "Partners' cookies to personalise advertising outside this site."),
    },
}

UI_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Vos choix sur les cookies",
        "intro": "{controller} et ses partenaires souhaitent utiliser des cookies pour les finalités "
                 "ci-dessous. Vous pouvez tout accepter, tout refuser ou choisir finalité par finalité : "
                 "refuser est aussi simple qu'accepter. Votre choix est conservé {remember} ; vous pouvez "
                 "le modifier à tout moment avec le lien « Gérer mes cookies ».",
        "accept_all": "Tout accepter",
        "refuse_all": "Tout refuser",
        "customise": "Personnaliser",
        "save": "Enregistrer mes choix",
        "close_refuses": "Continuer sans accepter",
        "close_refuses_label": "Fermer : continuer sans accepter (vaut refus de tous les cookies facultatifs)",
        "close": "Fermer",
        "close_label": "Fermer sans changer mes choix",
        "details_title": "Choisir finalité par finalité",
        "always_on": "Toujours actifs",
        "cookies_listed": "Cookies concernés ({count})",
        "provider": "Émetteur",
        "purpose": "Finalité",
        "lifetime": "Durée",
        "lifetime_unknown": "non précisée",
        "policy_link": "Politique de confidentialité",
        "consent_cookie_purpose": "Conserver vos choix sur les cookies.",
    },
    "en": {
        "title": "Your cookie choices",
        "intro": "{controller} and its partners would like to use cookies for the purposes below. "
                 "You can accept all, refuse all or choose purpose by purpose: refusing is as easy as "
                 "accepting. Your choice is kept for {remember}; you can change it at any time with the "
                 "“Manage my cookies” link.",
        "accept_all": "Accept all",
        "refuse_all": "Refuse all",
        "customise": "Customise",
        "save": "Save my choices",
        "close_refuses": "Continue without accepting",
        "close_refuses_label": "Close: continue without accepting (refuses every optional cookie)",
        "close": "Close",
        "close_label": "Close without changing my choices",
        "details_title": "Choose purpose by purpose",
        "always_on": "Always on",
        "cookies_listed": "Cookies concerned ({count})",
        "provider": "Set by",
        "purpose": "Purpose",
        "lifetime": "Lifetime",
        "lifetime_unknown": "not stated",
        "policy_link": "Privacy policy",
        "consent_cookie_purpose": "Keep your cookie choices.",
    },
}


def cookies_hash(register: Register) -> str:
    """sha256 of the canonical cookie list: every cookie's name, provider, category, purpose,
    lifetime and exemption, sorted, as compact JSON with sorted keys. Source quotes and the
    activity a cookie belongs to are left out: they do not change what a person agrees to."""
    items = sorted(
        (_canonical_cookie(c) for c in register.cookies),
        key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False),
    )
    text = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_cookie(cookie: Cookie) -> dict[str, Any]:
    return {
        "name": cookie.name, "provider": cookie.provider, "category": cookie.category.value,
        "purpose": cookie.purpose, "lifetime": cookie.lifetime, "exempt": cookie.exempt,
    }


def remember_days(register: Register) -> int:
    """How many whole days a choice is kept: the register's ``remember_choice_for`` (6 months
    when absent), months counted at their average length and rounded down, so the banner asks
    again a little before the ledger considers the choice lapsed, never after."""
    text = register.cookie_policy.remember_choice_for if register.cookie_policy else DEFAULT_REMEMBER_FOR
    return max(1, int(Duration.parse(text).approximate_days()))


def banner_config(loaded: LoadedRegister) -> dict[str, Any]:
    """The banner's configuration for one register (a pure function: no store, no clock)."""
    register = loaded.register
    remember = Duration.parse(
        register.cookie_policy.remember_choice_for if register.cookie_policy else DEFAULT_REMEMBER_FOR)
    return {
        "version": 1,
        "register_version": loaded.sha256,
        "cookies_hash": cookies_hash(register),
        "banner_sha256": SHA_ZEROS,
        "remember_days": remember_days(register),
        "consent_endpoint": CONSENT_ENDPOINT,
        "cookie_name": CONSENT_COOKIE,
        "default_language": register.policy.language if register.policy.language in LANGUAGES else "fr",
        "policy_url": _safe_url(register.policy.url or register.controller.website),
        "categories": _categories(register),
        "texts": {lang: _texts(register, lang, remember) for lang in LANGUAGES},
    }


def _texts(register: Register, lang: str, remember: Duration) -> dict[str, Any]:
    texts = dict(UI_TEXTS[lang])
    texts["intro"] = texts["intro"].format(controller=register.controller.name, remember=remember.describe(lang))
    texts["categories"] = {key: {"name": CATEGORY_TEXTS[key][lang][0], "description": CATEGORY_TEXTS[key][lang][1]}
                           for key in CATEGORY_ORDER}
    texts["consent_cookie_lifetime"] = remember.describe(lang)
    return texts


def _categories(register: Register) -> list[dict[str, Any]]:
    """One entry per category the register names, in a fixed order. A category needs consent
    when at least one of its cookies is not exempt; its exempt cookies are listed as always on."""
    categories = []
    for key in CATEGORY_ORDER:
        cookies = [c for c in register.cookies if c.category.value == key]
        if not cookies:
            continue
        needs_consent = key != CookieCategory.strictly_necessary.value and any(not c.exempt for c in cookies)
        categories.append({
            "key": key,
            "exempt": not needs_consent,
            "cookies": [_cookie_entry(register, c) for c in cookies],
            "names": sorted({c.name for c in cookies if _COOKIE_NAME.match(c.name)}),
        })
    return categories


def _cookie_entry(register: Register, cookie: Cookie) -> dict[str, Any]:
    recipient = register.recipient(cookie.provider)
    lifetime = Duration.parse(cookie.lifetime) if cookie.lifetime else None
    return {
        "name": cookie.name,
        "provider": recipient.name if recipient else cookie.provider,
        "purpose": cookie.purpose,
        "exempt": cookie.exempt,
        "lifetime": {lang: lifetime.describe(lang) for lang in LANGUAGES} if lifetime else None,
    }


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page: a register cannot smuggle a javascript: URL."""
    if not url:
        return None
    url = url.strip()
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return url
    if re.match(r"^[a-z0-9.-]+\.[a-z]{2,}(/[^\s\"'<>]*)?$", url, re.IGNORECASE):
        return "https://" + url
    return None


@dataclass(frozen=True)
class BannerScript:
    body: bytes
    banner_sha256: str  # of the body with its own value replaced by zeros
    etag: str  # sha256 of the body as served


def banner_template() -> str:
    return (resources.files("egide.adapters.web") / "static" / "banner.js").read_text(encoding="utf-8")


def banner_stylesheet() -> bytes:
    return (resources.files("egide.adapters.web") / "static" / "banner.css").read_bytes()


def config_json(config: dict[str, Any]) -> str:
    """JSON safe to place in a script: no character of the data can end the script or a string."""
    text = json.dumps(config, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_banner_script(config: dict[str, Any], template: str | None = None) -> BannerScript:
    """The script with ``config`` injected and ``banner_sha256`` computed as the module says."""
    template = template if template is not None else banner_template()
    if template.count(CONFIG_PLACEHOLDER) != 1:
        raise ValueError(f"banner.js must hold {CONFIG_PLACEHOLDER} exactly once")
    unsigned = dict(config, banner_sha256=SHA_ZEROS)
    zeroed = template.replace(CONFIG_PLACEHOLDER, config_json(unsigned))
    sha = hashlib.sha256(zeroed.encode("utf-8")).hexdigest()
    body = zeroed.replace(f'"banner_sha256":"{SHA_ZEROS}"', f'"banner_sha256":"{sha}"', 1).encode("utf-8")
    return BannerScript(body=body, banner_sha256=sha, etag=hashlib.sha256(body).hexdigest())


def verify_banner_sha256(body: bytes) -> bool:
    """Check a served script against the ``banner_sha256`` it carries."""
    text = body.decode("utf-8")
    match = re.search(r'"banner_sha256":"([0-9a-f]{64})"', text)
    if match is None:
        return False
    zeroed = text[:match.start(1)] + SHA_ZEROS + text[match.end(1):]
    return hashlib.sha256(zeroed.encode("utf-8")).hexdigest() == match.group(1)


def script_for(loaded: LoadedRegister) -> BannerScript:
    return build_banner_script(banner_config(loaded))
