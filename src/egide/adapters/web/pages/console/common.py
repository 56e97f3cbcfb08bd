"""What the console's routes share: the Egide App of a request, form posts answered by a redirect
(Post/Redirect/Get), and service errors shown on the page they came from."""

from __future__ import annotations

from typing import Any, Callable, Mapping
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from egide.adapters.http.errors import HTTP_STATUS
from egide.adapters.web.pages.templating import render
from egide.bootstrap import App
from egide.domain.errors import EgideError, InvalidInputError


def egide_app(request: Request) -> App:
    return request.app.state.egide  # type: ignore[no-any-return]


def done(path: str, **flash: Any) -> RedirectResponse:
    """Back to ``path`` after a change (303: the browser GETs it), with what to say there."""
    query = urlencode({k: v for k, v in flash.items() if v is not None})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def error_words(error: EgideError) -> str:
    """The error's message and, for bad input, each problem with where it is."""
    words = error.message
    if isinstance(error, InvalidInputError) and error.problems:
        words += " — " + "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in error.problems)
    return words


def acting(request: Request, action: Callable[[], Response],
           page: Callable[[str, int], Response]) -> Response:
    """Run a change; a refusal of the services (conflict, bad input, unknown) renders ``page`` again
    with the error's words and its HTTP status, and nothing was changed."""
    try:
        return action()
    except EgideError as error:
        return page(error_words(error), HTTP_STATUS.get(error.code, 500))


def page(request: Request, template: str, context: Mapping[str, Any], status_code: int = 200) -> Response:
    flash = request.query_params.get("done")
    return render(request, template, {"flash": flash, **context}, status_code=status_code)


def not_found(request: Request) -> Response:
    """The console's 404 page (a guessed reference shows nothing but that)."""
    return render(request, "error.html", {"message_key": "error.not_found"}, status_code=404)
