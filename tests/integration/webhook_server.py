"""A processor's endpoint on loopback for the tests: a real HTTP server (http.server in a thread)
that checks each POST's Egide-Signature with the shared secret, as a processor would, keeps what
it received and answers what the test tells it to."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from egide.domain.signatures import HEADER, SignatureError, verify

SECRET = "a-shared-secret-of-32-characters!"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    error: str | None

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Endpoint:
    """What the server answers, and what it received."""

    now: Callable[[], datetime]
    secret: bytes = SECRET.encode()
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"found": 1, "erased": 1})
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def serve(endpoint: Endpoint) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                verify(endpoint.secret, body, self.headers.get(HEADER, ""), endpoint.now())
                verified, error = True, None
            except SignatureError as exc:
                verified, error = False, exc.message
            endpoint.received.append(Received(self.path, dict(self.headers.items()), body, verified, error))
            status = endpoint.status if verified else 401
            payload = json.dumps(endpoint.answer if verified else {"error": error}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
