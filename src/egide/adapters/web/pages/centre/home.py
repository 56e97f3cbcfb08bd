"""The centre's home: the register's notice in the person's language, and the rights offered."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from egide.adapters.web.pages.centre.common import active_register, egide
from egide.adapters.web.pages.security import csrf_protected
from egide.adapters.web.pages.templating import language, render
from egide.notice.render import build_notice
from egide.notice.templating import render_template
from egide.notice.vocabulary import right_name, right_sentence
from egide.register.model import Right as RegisterRight
from egide.services.privacy_centre import offered_rights

router = APIRouter(prefix="/centre", include_in_schema=False, dependencies=[Depends(csrf_protected)])
NOTICE_BASE = Path(__file__).parent / "notice_base"  # the notice's body without its standalone page
_NOTICES: dict[tuple[str, str], str] = {}


def notice_body(active, lang: str) -> str:  # type: ignore[no-untyped-def]
    """The rendered notice (HTML, autoescaped by the notice's templates), once per register version and language."""
    key = (active.sha256, lang)
    if key not in _NOTICES:
        if len(_NOTICES) > 16:
            _NOTICES.clear()
        _NOTICES[key] = render_template("notice", "html", build_notice(active.loaded.register, lang), NOTICE_BASE)
    return _NOTICES[key]


def rights_offered(active, lang: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return [{"key": r.value, "name": right_name(RegisterRight(r.value), lang),
             "sentence": right_sentence(RegisterRight(r.value), lang)}
            for r in offered_rights(active.loaded.register)]


@router.get("/", response_class=HTMLResponse)
def centre_page(request: Request) -> HTMLResponse:
    active = active_register(egide(request))
    lang = language(request)
    return render(request, "centre/home.html", {
        "controller": active.loaded.register.controller.name, "rights": rights_offered(active, lang),
        "notice": Markup(notice_body(active, lang))})  # noqa: S704 (rendered by the notice's autoescaping templates)
