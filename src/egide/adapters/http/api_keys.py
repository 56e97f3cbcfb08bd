"""Who may call the HTTP API: the API keys made by `egide apikey create`, each limited to scopes,
and the single `EGIDE_API_TOKEN` of earlier versions (all scopes).

A key is sent as ``Authorization: Bearer egide_<prefix>_<secret>``. Its scope is the API area of
the path (``API_AREAS``). Without a token setting and without any active key the API stays open,
as on a fresh local install; as soon as one key exists, every protected endpoint needs a key or
the token. Checked keys are remembered for ``TTL_SECONDS`` so the decision point's fast path does
not read the store on every call: a revoked key stops working within that time.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Any

from egide.domain.accounts import ApiKey
from egide.domain.errors import EgideError
from egide.services import accounts

TTL_SECONDS = 10.0
API_AREAS = (("/api/v1/decisions", "decisions"), ("/api/v1/desk/requests", "requests"),
             ("/api/v1/subjects", "consents"), ("/api/v1/marketing", "marketing"), ("/api/v1/retention", "retention"))


class UnauthorisedError(EgideError):
    def __init__(self, message: str = "this endpoint needs `Authorization: Bearer <API key>` "
                                      "(see `egide apikey create`)") -> None:
        super().__init__(message=message, code="unauthorised")


class ForbiddenError(EgideError):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, code="forbidden")


def area_of(path: str) -> str | None:
    for prefix, scope in API_AREAS:
        if path == prefix or path.startswith(prefix + "/"):
            return scope
    return None


class ApiAccess:
    """One per app (``app.state``): the keys checked recently and whether any key exists."""

    def __init__(self, egide: Any) -> None:
        self._egide = egide
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[ApiKey | None, float]] = {}
        self._exist: tuple[bool, float] | None = None

    def check(self, authorization: str, path: str) -> None:
        """Raise UnauthorisedError or ForbiddenError unless the header opens this path."""
        token = self._egide.settings.api_token
        if authorization.startswith(f"Bearer {accounts.API_KEY_PREFIX}_"):
            key = self._key(authorization.removeprefix("Bearer "))
            if key is None:
                raise UnauthorisedError("this API key is unknown or revoked")
            scope = area_of(path)
            if scope is not None and scope not in key.scopes:
                raise ForbiddenError(f"this API key's scopes ({', '.join(key.scopes)}) do not include {scope!r}")
            return
        if token is not None:
            if not hmac.compare_digest(authorization, f"Bearer {token.get_secret_value()}"):
                raise UnauthorisedError()
            return
        if self._keys_exist():
            raise UnauthorisedError()

    def allows(self, authorization: str, path: str) -> bool:
        try:
            self.check(authorization, path)
        except EgideError:
            return False
        return True

    def _key(self, presented: str) -> ApiKey | None:
        digest = hashlib.sha256(presented.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            known = self._keys.get(digest)
        if known is not None and now - known[1] < TTL_SECONDS:
            return known[0]
        key = accounts.check_api_key(self._egide.store, presented)
        if key is not None:
            accounts.mark_api_key_used(self._egide.store, key)
        with self._lock:
            if len(self._keys) > 10_000:
                self._keys.clear()
            self._keys[digest] = (key, now)
        return key

    def _keys_exist(self) -> bool:
        now = time.monotonic()
        if self._exist is not None and now - self._exist[1] < TTL_SECONDS:
            return self._exist[0]
        exist = accounts.api_keys_exist(self._egide.store)
        self._exist = (exist, now)
        return exist


def api_access(state: Any) -> ApiAccess:
    """The app's ApiAccess, made on first use."""
    access = getattr(state, "api_access", None)
    if access is None:
        access = state.api_access = ApiAccess(state.egide)
    return access  # type: ignore[no-any-return]
