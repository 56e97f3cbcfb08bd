"""Consent preferences: the choices recorded from this browser, one click to withdraw each.

Who the person is: the banner's pseudonymous browser id (its cookie on this site). It is random,
known only to this browser, and the page shows only the choices recorded under it, so no one can
see anyone else's choices by changing a value (a made-up id shows an empty list). Consents given
with an email address are withdrawn by a "withdraw consent" request, verified by an emailed code
(see docs/privacy-centre.md: one identity check, the request's, rather than a second one here).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from egide.adapters.web.banner import CATEGORY_TEXTS, remember_days
from egide.adapters.web.pages.centre import consent_cookie
from egide.adapters.web.pages.centre.common import active_register, egide, error_page, guard
from egide.adapters.web.pages.security import csrf_protected
from egide.adapters.web.pages.templating import language, render
from egide.domain.clock import naive_utc
from egide.domain.consent import truncate_ip
from egide.domain.errors import EgideError
from egide.services.privacy_centre import centre_proof, preferences, withdraw_preference

router = APIRouter(prefix="/centre", include_in_schema=False, dependencies=[Depends(csrf_protected)])


def purpose_label(purpose: str, lang: str) -> str:
    if purpose.startswith("cookie:"):
        texts = CATEGORY_TEXTS.get(purpose.removeprefix("cookie:"))
        return texts[lang][0] if texts else purpose
    return purpose


def _rows(request: Request, browser_id: str | None) -> list[dict[str, object]]:
    if browser_id is None:
        return []
    app = egide(request)
    lang = language(request)
    return [{"purpose": p.purpose, "label": purpose_label(p.purpose, lang), "status": p.status, "since": p.since,
             "expires_at": p.expires_at, "withdrawable": p.withdrawable}
            for p in preferences(app.store, active_register(app), browser_id) if p.status != "none"]


@router.get("/preferences", response_class=HTMLResponse)
def preferences_page(request: Request, done: str = "") -> Response:
    try:
        rows = _rows(request, consent_cookie.browser_id(request))
    except EgideError as error:
        return error_page(request, error)
    return render(request, "centre/preferences.html", {"rows": rows, "done": done, "error": None},
                  headers={"Cache-Control": "no-store"})


@router.post("/preferences/withdraw", response_class=HTMLResponse)
async def withdraw_page(request: Request) -> Response:
    form = await request.form()
    purpose = str(form.get("purpose", ""))[:100]
    app = egide(request)
    record = consent_cookie.read_record(request)
    try:
        guard(request, form, "consent")
        active = active_register(app)
        client = request.client.host if request.client else None
        proof = centre_proof(active, truncate_ip(client), request.headers.get("user-agent"), language(request))
        browser = record["browser_id"] if record else None
        choice_id = withdraw_preference(app.store, active, browser or "", purpose, proof,
                                        on_change=app.decisions.invalidate)
    except EgideError as error:
        rows = _rows(request, record["browser_id"]) if record else []
        return error_page(request, error, template="centre/preferences.html", context={"rows": rows, "done": ""})
    response = RedirectResponse("/centre/preferences?done=withdrawn", status_code=303)
    if record is not None and purpose.startswith("cookie:"):
        consent_cookie.write_withdrawal(request, response, record, purpose.removeprefix("cookie:"), choice_id,
                                        naive_utc(app.clock.now()), remember_days(active.loaded.register))
    return response
