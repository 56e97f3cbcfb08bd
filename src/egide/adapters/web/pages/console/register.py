"""The register: the active version with its lint findings, the versions and the diff between two,
a new version previewed then activated (a major change only with the DPO's confirmation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from egide.adapters.web.pages.console.common import acting, done, egide_app, page
from egide.adapters.web.pages.security import Staff, require
from egide.domain.errors import EgideError
from egide.services import register_view

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("register.read"))]
Activator = Annotated[Staff, Depends(require("register.activate"))]
Text = Annotated[str, Form(max_length=register_view.MAX_REGISTER_TEXT)]


def _register_page(request: Request, error: str | None = None, status_code: int = 200,
                   old: int | None = None, new: int | None = None) -> Response:
    app = egide_app(request)
    overview = register_view.register_overview(app.store)
    changes = register_view.compare_versions(app.store, old, new) if old is not None and new is not None else None
    return page(request, "console/register.html", {"o": overview, "changes": changes, "old": old, "new": new,
                                                   "error": error}, status_code=status_code)


@router.get("/register")
def register_page(request: Request, staff: Reader, old: int | None = None, new: int | None = None) -> Response:
    return acting(request, lambda: _register_page(request, old=old, new=new),
                  lambda words, status: _register_page(request, words, status))


def _preview_page(request: Request, text: str, error: str | None = None, status_code: int = 200) -> Response:
    preview = register_view.preview_text(egide_app(request).store, text)
    return page(request, "console/register_preview.html", {"p": preview, "text": text, "error": error},
                status_code=status_code)


@router.post("/register/preview")
def preview_action(request: Request, staff: Activator, text: Text = "") -> Response:
    return acting(request, lambda: _preview_page(request, text),
                  lambda words, status: _register_page(request, words, status))


@router.post("/register/activate")
def activate_action(request: Request, staff: Activator, text: Text = "",
                    confirm_major: Annotated[str, Form(max_length=10)] = "") -> Response:
    def change() -> Response:
        result = register_view.activate_text(egide_app(request).store, text, staff.actor,
                                             major_confirmed=confirm_major == "yes")
        egide_app(request).registers.refresh()
        return done("/console/register", done="activate" if result.changed else "same")

    def refused(words: str, status: int) -> Response:
        try:
            return _preview_page(request, text, words, status)
        except EgideError:  # the text itself is what was refused: the register page says why
            return _register_page(request, words, status)
    return acting(request, change, refused)
