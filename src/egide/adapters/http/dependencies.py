"""What routes receive: the Egide App, and the API key (or token) check."""

from __future__ import annotations

from fastapi import Request

from egide.adapters.http.api_keys import UnauthorisedError, api_access  # noqa: F401  (UnauthorisedError re-exported)
from egide.bootstrap import App


async def egide(request: Request) -> App:
    return request.app.state.egide


def require_token(request: Request) -> None:
    """An API key whose scopes cover the path's area, or the API token (see ``api_keys.py``)."""
    api_access(request.app.state).check(request.headers.get("authorization", ""), request.url.path)


def job_queue(request: Request):  # type: ignore[no-untyped-def]
    """The job runner the app was given (`egide serve` passes its in-process runner), else the one the
    settings choose, built on first use."""
    state = request.app.state
    if getattr(state, "jobs", None) is None:
        from egide.adapters.jobs import build_job_queue

        state.jobs = build_job_queue(state.egide)
    return state.jobs
