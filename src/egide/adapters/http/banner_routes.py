"""HTTP routes of the cookie banner and of its demo shop.

``GET /banner.js`` answers with the script and the active register's configuration in one body
(see :mod:`egide.adapters.web.banner` for what the fingerprints mean); ``GET /banner.css`` with
its stylesheet. ``/demo/*`` is a fictional French shop that loads the banner under a strict
Content-Security-Policy, so the banner can be seen, and tested, doing its job.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from fastapi import APIRouter, Request, Response

from egide.adapters.web.banner import CATEGORY_TEXTS, BannerScript, banner_stylesheet, script_for
from egide.domain.errors import NotFoundError
from egide.register.loader import LoadedRegister

router = APIRouter(tags=["cookie banner"])

DEMO_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'"
VIDEO_CATEGORIES = ("social", "advertising", "partners", "functional", "analytics")
_DEMO_FILES = {
    "analytics.js": "application/javascript; charset=utf-8",
    "gtag.js": "application/javascript; charset=utf-8",
    "shop.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_SCRIPTS: dict[str, BannerScript] = {}


def _active_register(request: Request) -> LoadedRegister:
    """The active register, from the App's register cache (re-checked about once a second)."""
    active = request.app.state.egide.registers.get()
    if active is None:
        raise NotFoundError("no register is active: run `egide register activate <file>` first")
    return active.loaded


def _script(loaded: LoadedRegister) -> BannerScript:
    """Built once per register version (the script is a pure function of the register)."""
    script = _SCRIPTS.get(loaded.sha256)
    if script is None:
        if len(_SCRIPTS) >= 8:
            _SCRIPTS.clear()
        script = _SCRIPTS[loaded.sha256] = script_for(loaded)
    return script


def _revalidated(request: Request, body: bytes, etag: str, media_type: str, headers: dict[str, str] | None = None) -> Response:
    quoted = f'"{etag}"'
    base = {"Cache-Control": "no-cache", "ETag": quoted, "X-Content-Type-Options": "nosniff", **(headers or {})}
    if quoted in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=base)
    return Response(content=body, media_type=media_type, headers=base)


@router.get("/banner.js", summary="The cookie banner, configured from the active register")
def banner_script(request: Request) -> Response:
    loaded = _active_register(request)
    script = _script(loaded)
    return _revalidated(request, script.body, script.etag, "application/javascript; charset=utf-8")


@router.get("/banner.css", summary="The cookie banner's stylesheet")
def banner_css(request: Request) -> Response:
    body = banner_stylesheet()
    return _revalidated(request, body, hashlib.sha256(body).hexdigest(), "text/css; charset=utf-8")


def _demo_file(name: str) -> str:
    return (resources.files("egide.adapters.web") / "demo" / name).read_text(encoding="utf-8")


def _video_category(loaded: LoadedRegister) -> str:
    """The demo video is blocked under the first category of the register that needs consent."""
    needing = {c.category.value for c in loaded.register.cookies if not c.exempt}
    return next((c for c in VIDEO_CATEGORIES if c in needing), "social")


@router.get("/demo/shop", summary="A fictional shop that loads the banner", include_in_schema=False)
def demo_shop(request: Request) -> Response:
    category = _video_category(_active_register(request))
    html = (_demo_file("shop.html")
            .replace("__VIDEO_CATEGORY_NAME__", CATEGORY_TEXTS[category]["fr"][0].lower())
            .replace("__VIDEO_CATEGORY__", category))
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": DEMO_CSP})


@router.get("/demo/video", include_in_schema=False)
def demo_video() -> Response:
    return Response(_demo_file("video.html"), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": DEMO_CSP})


@router.get("/demo/{name}", include_in_schema=False)
def demo_asset(name: str) -> Response:
    if name not in _DEMO_FILES:
        raise NotFoundError(f"no demo file {name!r}")
    return Response(_demo_file(name), media_type=_DEMO_FILES[name], headers={"Cache-Control": "no-cache"})
