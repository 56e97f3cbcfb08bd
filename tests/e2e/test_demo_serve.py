"""`egide demo` serves both sides: it prints where to sign in and the demo DPO's password, and
with them a real HTTP client signs in to the console and sees the sample requests; the privacy
centre answers too. The demo runs as a real process on a loopback port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.e2e.conftest import _free_port


def _read_until_serving(process: subprocess.Popen, timeout: float = 180) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        if "demo shop with the cookie banner" in line:
            return "".join(lines)
    raise AssertionError("the demo did not start serving:\n" + "".join(lines))


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_the_demo_prints_where_to_sign_in_and_its_dpo_account_signs_in(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGIDE_")}
    process = subprocess.Popen([str(Path(sys.executable).parent / "egide"), "demo", "--data-dir",
                                str(tmp_path / "demo"), "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = _read_until_serving(process)
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/centre/" in output and f"{base}/console/sign-in" in output
        found = re.search(r"sign in as (\S+) with the password (\S+)", output)
        assert found, output
        username, password = found.groups()
        _wait_for(base + "/healthz")
        with httpx.Client(base_url=base, timeout=20) as client:
            assert client.get("/centre/").status_code == 200
            page = client.get("/console/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            signed = client.post("/console/sign-in", data={"username": username, "password": password,
                                                           "csrf_token": token, "next": "/console/requests"})
            assert signed.status_code == 303, signed.text[:500]
            queue = client.get("/console/requests")
            assert queue.status_code == 200 and re.search(r"DSR-\d{4}-\d{6}", queue.text)  # the tour's requests
            wrong = client.post("/console/sign-in", data={"username": username, "password": password + "x",
                                                          "csrf_token": token})
            assert wrong.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
