"""What routes receive: the Egide App, and the API-token check."""

from __future__ import annotations

import hmac

from fastapi import Request

from egide.bootstrap import App
from egide.domain.errors import EgideError


class UnauthorisedError(EgideError):
    def __init__(self, message: str = "this endpoint needs `Authorization: Bearer <EGIDE_API_TOKEN>`") -> None:
        super().__init__(message=message, code="unauthorised")


async def egide(request: Request) -> App:
    return request.app.state.egide


async def require_token(request: Request) -> None:
    token = request.app.state.egide.settings.api_token
    if token is None:
        return
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given, f"Bearer {token.get_secret_value()}"):
        raise UnauthorisedError()


def job_queue(request: Request):  # type: ignore[no-untyped-def]
    """The job runner the app was given (`egide serve` passes its in-process runner), else the one the
    settings choose, built on first use."""
    state = request.app.state
    if getattr(state, "jobs", None) is None:
        from egide.adapters.jobs import build_job_queue

        state.jobs = build_job_queue(state.egide)
    return state.jobs
