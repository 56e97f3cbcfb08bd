"""The banner's own cookie (``egide_consent``: base64url JSON written by banner.js), read and updated here.

The preferences page finds the browser's pseudonymous id in it; after a withdrawal the cookie's
choice for that category is set to false, so the banner stops loading what was refused at once
(the same record the banner would have written, marked as synced with the ledger).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from fastapi import Request, Response

from egide.adapters.web.banner import CONSENT_COOKIE
from egide.services.consent import BROWSER_ID

MAX_COOKIE = 4096


def read_record(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(CONSENT_COOKIE)
    if not raw or len(raw) > MAX_COOKIE:
        return None
    try:
        record = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("choices"), dict):
        return None
    browser_id = record.get("browser_id")
    return record if isinstance(browser_id, str) and BROWSER_ID.match(browser_id) else None


def browser_id(request: Request) -> str | None:
    record = read_record(request)
    return record["browser_id"] if record else None


def write_withdrawal(request: Request, response: Response, record: dict[str, Any], category: str, choice_id: str,
                     at: datetime, remember_days: int) -> None:
    """Set the category to refused in the banner's record, as banner.js would."""
    updated = dict(record)
    updated["choices"] = {**record["choices"], category: False}
    updated["consent_id"] = choice_id
    updated["date"] = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    updated["synced"] = True
    value = base64.urlsafe_b64encode(json.dumps(updated, separators=(",", ":")).encode()).decode().rstrip("=")
    response.set_cookie(CONSENT_COOKIE, value, max_age=remember_days * 86400, path="/", samesite="lax",
                        secure=request.url.scheme == "https")
