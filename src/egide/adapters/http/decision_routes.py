"""The decision point over HTTP: one person, or a whole send list in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import json

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from egide.adapters.http.dependencies import egide, require_token
from egide.bootstrap import App
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.services.decisions import MAX_BATCH, PersonDecision

router = APIRouter(prefix="/api/v1", tags=["decisions"], dependencies=[Depends(require_token)])


def decision_json(result: PersonDecision) -> dict:
    d = result.decision
    return {"allowed": d.allowed, "outcome": d.outcome.value, "purpose": d.purpose, "legal_basis": d.legal_basis,
            "rule": d.rule, "reasons": list(d.reasons), "evidence": list(d.evidence), "evaluated": list(d.evaluated),
            "valid_until": d.valid_until.isoformat() if d.valid_until else None,
            "data_subjects": len(result.subject_ids)}


def _identifier(email: str | None, phone: str | None, customer_id: str | None) -> Identifier:
    given = [(k, v) for k, v in (("email", email), ("phone", phone), ("customer_id", customer_id)) if v]
    if len(given) != 1:
        raise InvalidInputError("give exactly one of email, phone or customer_id",
                                problems=[Problem("one identifier is needed", "email")])
    return Identifier.of(*given[0])


@router.get("/decisions")
async def get_decision(
    app: Annotated[App, Depends(egide)],
    purpose: Annotated[str, Query(max_length=200)],
    email: Annotated[str | None, Query(max_length=320)] = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
    at: datetime | None = None,
) -> dict:
    """May we process this person's data for this purpose now (or at ``at``)?"""
    identifier = _identifier(email, phone, customer_id)
    if at is None:
        hit = app.decisions.cached(identifier, purpose)
        if hit is not None:
            return decision_json(hit)
    return decision_json(await run_in_threadpool(app.decisions.decide, identifier, purpose, at))


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(max_length=200)
    emails: list[str] = Field(max_length=MAX_BATCH, description=f"Up to {MAX_BATCH} addresses.")
    at: datetime | None = None


@router.post("/decisions/batch", response_model=None)
def post_batch(batch: BatchRequest, app: Annotated[App, Depends(egide)]) -> Response:
    """Filter a send list: one decision per address, in the order given."""
    identifiers, invalid = [], []
    for position, email in enumerate(batch.emails):
        try:
            identifiers.append(Identifier.of("email", email))
        except InvalidInputError as error:
            invalid.append({"index": position, "email": email[:80], "error": error.message})
    results = app.decisions.decide_many(identifiers, batch.purpose, batch.at)
    allowed = [r.identifier.value for r in results if r.decision.allowed]
    body = {"purpose": batch.purpose, "count": len(results), "allowed_count": len(allowed), "allowed": allowed,
            "denied": [{"email": r.identifier.value, "rule": r.decision.rule, "reason": r.decision.reasons[0]}
                       for r in results if not r.decision.allowed],
            "invalid": invalid}
    # Plain JSON types only: serialised directly (the framework's generic encoder walks 10,000 items slowly).
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")
