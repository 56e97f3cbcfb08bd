"""Art. 19 over HTTP: a recipient's signed acknowledgement of a notice (thin: the service checks the
signature and records the answer). No API token: the HMAC signature with the recipient's own
secret authenticates the call, and a forged or stale one changes nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from egide.adapters.notifications import request_desk
from egide.bootstrap import App
from egide.domain.signatures import HEADER
from egide.services.recipients import record_recipient_answer

router = APIRouter(tags=["requests"])


@router.post("/api/v1/recipient-answers")
async def post_recipient_answer(request: Request) -> dict:
    """Body: the recipient's JSON ``{"notice": "<Egide-Delivery id>", ...}``, signed in the
    ``Egide-Signature`` header like Egide's own webhooks (docs/requests.md)."""
    app: App = request.app.state.egide
    body = await request.body()
    notice = await run_in_threadpool(record_recipient_answer, request_desk(app), body, request.headers.get(HEADER, ""))
    return {"notice": notice.id, "reference": notice.reference, "recipient": notice.recipient,
            "status": notice.status.value}
