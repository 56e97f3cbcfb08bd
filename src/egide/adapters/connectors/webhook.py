"""Signed webhooks over HTTP: art. 19 notices to recipients and requests to processors' endpoints.

Each POST carries a JSON body and the header ``Egide-Signature: t=<unix time>,v1=<hex>``, the
HMAC-SHA256 keyed with a shared secret of ``"{t}." + body`` (see :mod:`egide.domain.signatures`
and docs/requests.md). The secret is read from an environment variable named by the dataset
(``secret_env``) or derived from the recipient's key (``EGIDE_RECIPIENT_SECRET_<KEY>``); it
never sits in a register or a dataset file. A network failure or a timeout is a DeliveryError;
an HTTP answer, whatever its status, is returned for the caller to record.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime

import httpx

from egide.domain.errors import ConfigurationError
from egide.domain.notices import DeliveryError
from egide.domain.signatures import HEADER, MIN_SECRET_BYTES, sign

MAX_ANSWER_BYTES = 1_000_000
USER_AGENT = "Egide-Webhook/1"
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def read_secret(secret_env: str, environ: dict[str, str] | None = None) -> bytes:
    """The secret held by ``secret_env``; a missing, empty or short one is a configuration error."""
    env = os.environ if environ is None else environ
    if not _ENV_NAME.match(secret_env or ""):
        raise ConfigurationError(f"{secret_env!r} is not an environment variable name")
    value = env.get(secret_env, "")
    if not value.strip():
        raise ConfigurationError(f"the webhook secret {secret_env} is not set",
                                 details={"hint": f"export {secret_env}=$(openssl rand -hex 32)"})
    secret = value.strip().encode("utf-8")
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"the webhook secret {secret_env} is {len(secret)} bytes long: "
                                 f"use at least {MIN_SECRET_BYTES}")
    return secret


class WebhookClient:
    """POSTs signed JSON with httpx (no redirects followed: a signed body goes where it was told)."""

    name = "webhook"

    def __init__(self, timeout: float = 10.0, environ: dict[str, str] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._timeout = timeout
        self._environ = environ
        self._transport = transport

    def secret(self, secret_env: str) -> bytes:
        return read_secret(secret_env, self._environ)

    def post(self, url: str, body: bytes, secret_env: str, at: datetime,
             headers: dict[str, str] | None = None) -> WebhookAnswer:
        try:
            secret = self.secret(secret_env)
        except ConfigurationError as exc:
            raise DeliveryError(exc.message) from exc
        sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT, HEADER: sign(secret, body, at),
                **(headers or {})}
        try:
            with httpx.Client(timeout=self._timeout, follow_redirects=False, transport=self._transport,
                              trust_env=False) as client:
                response = client.post(url, content=body, headers=sent)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"the webhook {url} could not be reached: {exc}") from exc
        text = response.content[:MAX_ANSWER_BYTES].decode("utf-8", errors="replace")
        return WebhookAnswer(response.status_code, text)
