"""The pages' Jinja2 environment: templates, messages in French and English, the language chosen.

How a page is rendered (every page package does the same)::

    from egide.adapters.web.pages.templating import render
    return render(request, "console/queue.html", {"rows": rows})

Templates: ``pages/templates/`` holds the base layout (``base.html``: extend it and fill
``{% block title %}`` and ``{% block content %}``); a page package's ``templates/`` folder is
reached through its name as prefix (``pages/console/templates/queue.html`` is ``console/queue.html``).

Messages: ``{{ t("sign_in.title") }}`` in a template, ``t("days_left", n=3)`` formats with
``str.format``. This module holds the common ones; a page package adds its own in any module named
``messages*.py`` inside it, holding ``MESSAGES = {"fr": {...}, "en": {...}}``. French is the
reference: a key missing in English falls back to French, a key missing everywhere shows itself.
The same modules may hold ``NAV = [("/console/requests", "nav.requests", "requests.read"), ...]``:
the console's menu (href, message key, permission needed), in the order the packages are read.

The language: ``?lang=fr|en`` (then remembered in a cookie), else the cookie, else the browser's
``Accept-Language``, else French.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape

PAGES_DIR = Path(__file__).parent
PAGE_PACKAGES = ("centre", "console")  # sub-packages of pages/ with their own templates and messages
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "egide_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "site.name": "Egide",
        "site.console": "Console",
        "site.centre": "Centre de confidentialité",
        "site.skip": "Aller au contenu",
        "lang.switch": "English",
        "lang.other": "en",
        "nav.sign_out": "Se déconnecter",
        "nav.signed_in_as": "Connecté : {username} ({role})",
        "nav.accounts": "Comptes",
        "role.admin": "administrateur",
        "role.dpo": "DPO",
        "role.agent": "agent",
        "role.auditor": "auditeur (lecture seule)",
        "sign_in.title": "Connexion à la console",
        "sign_in.username": "Nom du compte",
        "sign_in.password": "Mot de passe",
        "sign_in.submit": "Se connecter",
        "sign_in.failed": "Nom de compte ou mot de passe incorrect.",
        "sign_in.locked": "Trop d'essais : ce compte est bloqué jusqu'à {until} (UTC).",
        "sign_in.signed_out": "Vous êtes déconnecté.",
        "sign_in.password_changed": "Mot de passe changé : connectez-vous avec le nouveau.",
        "password.title": "Changer mon mot de passe",
        "password.current": "Mot de passe actuel",
        "password.new": "Nouveau mot de passe",
        "password.confirm": "Nouveau mot de passe, encore",
        "password.rule": "Au moins 80 bits d'entropie (recommandation CNIL 2022) : par exemple 12 caractères avec majuscules, minuscules, chiffres et caractères spéciaux, ou 14 caractères avec majuscules, minuscules et chiffres. Aucun changement périodique n'est imposé.",
        "password.submit": "Changer le mot de passe",
        "nav.password": "Mon mot de passe",
        "sign_in.expired": "Votre session a expiré : reconnectez-vous.",
        "error.title": "Erreur",
        "error.forbidden": "Votre rôle ne permet pas d'ouvrir cette page.",
        "error.not_found": "Cette page n'existe pas.",
        "error.csrf": "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.",
        "error.back": "Retour",
        "accounts.title": "Comptes du personnel",
        "accounts.username": "Compte",
        "accounts.role": "Rôle",
        "accounts.active": "Actif",
        "accounts.last_sign_in": "Dernière connexion",
        "accounts.yes": "oui",
        "accounts.no": "non",
        "accounts.keys": "Clés d'API",
        "accounts.key_name": "Nom",
        "accounts.key_prefix": "Identifiant",
        "accounts.key_scopes": "Portées",
        "accounts.key_revoked": "Révoquée",
        "accounts.disable": "Désactiver",
        "accounts.enable": "Réactiver",
        "accounts.create": "Créer un compte",
        "accounts.first_password": "Un premier mot de passe fort est créé et affiché une seule fois.",
        "accounts.revoke": "Révoquer",
        "accounts.key_create": "Créer une clé d'API",
        "accounts.shown_once_password": "Compte {name} créé. Son mot de passe, affiché une seule fois :",
        "accounts.shown_once_api_key": "Clé {name} créée. La clé, affichée une seule fois (en-tête Authorization: Bearer …) :",
        "console.home": "Accueil de la console",
        "console.welcome": "Bienvenue, {username}.",
    },
    "en": {
        "site.name": "Egide",
        "site.console": "Console",
        "site.centre": "Privacy centre",
        "site.skip": "Skip to content",
        "lang.switch": "Français",
        "lang.other": "fr",
        "nav.sign_out": "Sign out",
        "nav.signed_in_as": "Signed in: {username} ({role})",
        "nav.accounts": "Accounts",
        "role.admin": "administrator",
        "role.dpo": "DPO",
        "role.agent": "agent",
        "role.auditor": "auditor (read only)",
        "sign_in.title": "Sign in to the console",
        "sign_in.username": "Account name",
        "sign_in.password": "Password",
        "sign_in.submit": "Sign in",
        "sign_in.failed": "Wrong account name or password.",
        "sign_in.locked": "Too many attempts: this account is locked until {until} (UTC).",
        "sign_in.signed_out": "You are signed out.",
        "sign_in.password_changed": "Password changed: sign in with the new one.",
        "password.title": "Change my password",
        "password.current": "Current password",
        "password.new": "New password",
        "password.confirm": "New password, again",
        "password.rule": "At least 80 bits of entropy (CNIL 2022 recommendation): e.g. 12 characters with upper and lower case, digits and special characters, or 14 characters with upper and lower case and digits. No periodic change is forced.",
        "password.submit": "Change the password",
        "nav.password": "My password",
        "sign_in.expired": "Your session has expired: sign in again.",
        "error.title": "Error",
        "error.forbidden": "Your role does not allow this page.",
        "error.not_found": "This page does not exist.",
        "error.csrf": "The form has expired or does not come from this site: reload the page and try again.",
        "error.back": "Back",
        "accounts.title": "Staff accounts",
        "accounts.username": "Account",
        "accounts.role": "Role",
        "accounts.active": "Active",
        "accounts.last_sign_in": "Last sign-in",
        "accounts.yes": "yes",
        "accounts.no": "no",
        "accounts.keys": "API keys",
        "accounts.key_name": "Name",
        "accounts.key_prefix": "Id",
        "accounts.key_scopes": "Scopes",
        "accounts.key_revoked": "Revoked",
        "accounts.disable": "Disable",
        "accounts.enable": "Enable",
        "accounts.create": "Create an account",
        "accounts.first_password": "A strong first password is made and shown once.",
        "accounts.revoke": "Revoke",
        "accounts.key_create": "Create an API key",
        "accounts.shown_once_password": "Account {name} created. Its password, shown once:",
        "accounts.shown_once_api_key": "Key {name} created. The key, shown once (header Authorization: Bearer …):",
        "console.home": "Console home",
        "console.welcome": "Welcome, {username}.",
    },
}


NAV: list[tuple[str, str, str]] = [("/console/accounts", "nav.accounts", "accounts.manage")]


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    permission: str


def _message_modules() -> list[Any]:
    modules = []
    for package in PAGE_PACKAGES:
        folder = PAGES_DIR / package
        for path in sorted(folder.glob("messages*.py")) if folder.is_dir() else []:
            modules.append(importlib.import_module(f"egide.adapters.web.pages.{package}.{path.stem}"))
    return modules


@lru_cache(maxsize=1)
def messages() -> dict[str, dict[str, str]]:
    """The common messages merged with every page package's ``messages*.py`` (read once)."""
    merged = {lang: dict(MESSAGES[lang]) for lang in LANGUAGES}
    for module in _message_modules():
        for lang in LANGUAGES:
            merged[lang].update(getattr(module, "MESSAGES", {}).get(lang, {}))
    return merged


@lru_cache(maxsize=1)
def nav_items() -> tuple[NavItem, ...]:
    items = [item for module in _message_modules() for item in getattr(module, "NAV", [])] + NAV
    return tuple(NavItem(*item) for item in items)


def console_nav(staff: Any) -> list[NavItem]:
    """The console menu entries this staff member may open."""
    return [item for item in nav_items() if staff is not None and staff.can(item.permission)]


def translator(language: str) -> Callable[..., str]:
    table, reference = messages()[language], messages()[DEFAULT_LANGUAGE]

    def t(key: str, **values: Any) -> str:
        text = table.get(key) or reference.get(key) or key
        return text.format(**values) if values else text

    return t


@lru_cache(maxsize=1)
def environment() -> Environment:
    prefixed = {p: FileSystemLoader(PAGES_DIR / p / "templates") for p in PAGE_PACKAGES
                if (PAGES_DIR / p / "templates").is_dir()}
    env = Environment(loader=ChoiceLoader([FileSystemLoader(PAGES_DIR / "templates"), PrefixLoader(prefixed)]),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           status_code: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A page in the request's language, with what every template may use: ``t``, ``lang``,
    ``csrf_token`` (put it in every form: ``{{ csrf_field() }}``), ``staff`` (the signed-in
    account or None), ``can(permission)``, ``path_with_lang(lang)``."""
    from egide.adapters.web.pages import security  # security renders error pages through this module

    lang = language(request)
    token = security.csrf_token(request)
    staff = security.current_staff(request)
    values: dict[str, Any] = {
        "request": request, "lang": lang, "t": translator(lang), "csrf_token": token,
        "csrf_field": lambda: security.csrf_field(token), "staff": staff,
        "can": (lambda permission: staff is not None and staff.can(permission)),
        "path_with_lang": lambda other: _path_with_lang(request, other), "console_nav": console_nav,
    }
    values.update(context or {})
    body = environment().get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))
    security.page_headers(request, response)
    security.remember_csrf(request, response, token)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax",
                            secure=security.is_https(request))
    return response


def _path_with_lang(request: Request, lang: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    from urllib.parse import urlencode

    return f"{request.url.path}?{urlencode(query)}"
