"""The privacy centre: the public pages of the people whose data it is (no account).

``/centre/`` the notice and the rights; ``/centre/requests/new/{right}`` a request form;
``/centre/requests/{reference}?token=`` the request's secret page (code, status, answer, files);
``/centre/preferences`` the consent choices of this browser. See docs/privacy-centre.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from egide.adapters.web.pages.centre import home, preferences_pages, requests_pages

# One flat router (the pages' installer reads its routes); every module's router carries the
# prefix and the CSRF check of every POST (C1's ``csrf_protected``); GETs change nothing.
router = APIRouter(include_in_schema=False)
for _module in (home, preferences_pages, requests_pages):
    router.routes.extend(_module.router.routes)
