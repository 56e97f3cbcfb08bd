"""A live Egide server for browser and HTTP tests: uvicorn in a thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn

from egide.adapters.http.app import create_app
from egide.bootstrap import App, build_app, initialise
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.settings import Settings
from tests.conftest import EXAMPLES


@dataclass
class LiveServer:
    url: str
    app: App

    def activate(self, register_file: Path) -> None:
        """Activate another register version (e.g. a changed cookie list) while the server runs."""
        activate_register(self.app.store, load_register(register_file), "test")
        self.app.registers.refresh()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: App, port: int | None = None) -> Iterator[str]:
    port = port or _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def egide_app(tmp_path: Path, register_file: Path, **settings: object) -> App:
    config = Settings(data_dir=tmp_path / "data", actor="test", **settings)  # type: ignore[arg-type]
    initialise(config)
    app = build_app(config)
    activate_register(app.store, load_register(register_file), "test")
    return app


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Seed 002's register active on a fresh SQLite store, served on 127.0.0.1."""
    port = _free_port()
    app = egide_app(tmp_path, EXAMPLES / "002-okasio.yaml", public_url=f"http://127.0.0.1:{port}")
    try:
        for url in serve(app, port):
            yield LiveServer(url, app)
    finally:
        app.close()
