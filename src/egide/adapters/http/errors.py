"""One table from Egide's error codes to HTTP statuses; one JSON shape for every error."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from egide.domain.errors import EgideError, InvalidInputError

HTTP_STATUS = {
    "invalid_input": 400,
    "unreadable_input": 400,
    "not_found": 404,
    "conflict": 409,
    "configuration": 503,
    "store": 503,
    "unauthorised": 401,
    "forbidden": 403,
    "too_large": 413,
    "rate_limited": 429,
}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


async def egide_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, EgideError)
    details = dict(error.details)
    if isinstance(error, InvalidInputError):
        details["problems"] = [p.as_dict() for p in error.problems]
    return JSONResponse(error_body(error.code, error.message, details), status_code=HTTP_STATUS.get(error.code, 500))


async def validation_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
    first = problems[0] if problems else {"path": "", "message": "invalid request"}
    return JSONResponse(error_body("invalid_input", f"{first['path']}: {first['message']}", {"problems": problems}),
                        status_code=422)
