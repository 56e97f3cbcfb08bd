"""Decision point and consent ledger throughput.

One command: `.venv/bin/python bench/decide.py [--people 10000] [--seconds 10]`

Measures, in one run:
- in-process decisions per second, cached (Egide's hot path) and uncached (facts read from the
  store), against the baseline a developer would write without Egide: one hand-written SQL
  lookup of the person's latest consent per decision;
- HTTP decisions per second and p99 latency on loopback (one uvicorn worker in its own process,
  load from `wrk` when installed, else a Python client), and the batch endpoint (10,000 people
  per call);
- consent events recorded per second over HTTP on PostgreSQL with durable commits
  (synchronous_commit on; EGIDE_BENCH_POSTGRES_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test).

Ends with: RESULT inprocess_per_s=A http_per_s=B http_p99_ms=C batch_per_s=D consent_events_per_s=E
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import create_engine, text  # noqa: E402

from egide.bootstrap import build_app, initialise  # noqa: E402
from egide.domain.audit import AuditEvent  # noqa: E402
from egide.domain.consent import ConsentAction, ConsentChannel, ConsentProof  # noqa: E402
from egide.domain.identity import Identifier  # noqa: E402
from egide.register.loader import load_register  # noqa: E402
from egide.services.registers import activate_register  # noqa: E402
from egide.settings import Settings  # noqa: E402

REGISTER = ROOT / "examples" / "registers" / "004-bureau24.yaml"
PURPOSE = "marketing.communications.email"
EGIDE = str(ROOT / ".venv" / "bin" / "egide") if (ROOT / ".venv" / "bin" / "egide").exists() else "egide"


def populate(app, people: int) -> list[str]:
    """people subjects; half consented to the newsletter, one in ten on the opposition list."""
    active = app.registers.refresh()
    emails = [f"person{i}@example.com" for i in range(people)]
    now = app.clock.now()
    with app.store.unit_of_work() as uow:
        for i, email in enumerate(emails):
            identifier = Identifier.of("email", email)
            subject = uow.subjects.add([identifier], now)
            if i % 2 == 0:
                stored = uow.consents.append(subject_id=subject.id, browser_id=None, purpose=PURPOSE,
                                             action=ConsentAction.given, at=now, choice_id=str(uuid.uuid4()),
                                             idempotency_key=None,
                                             proof=ConsentProof(ConsentChannel.import_, active.sha256))
                uow.audit.record(AuditEvent("consent.given", "bench", "consent_event", stored.event.id,
                                            {"record_sha256": stored.record_sha256}))
            if i % 10 == 3:
                uow.lists.add("opposition", identifier, "all", now, "bench")
    return emails


def inprocess(app, emails: list[str], seconds: float) -> dict[str, float]:
    identifiers = [Identifier.of("email", e) for e in emails]
    decisions = app.decisions
    decisions.ttl = 3600.0  # one process owns the writes: its cache is invalidated by them, not by time
    for start in range(0, len(identifiers), 10_000):  # warm the cache (one batch per 10,000 people)
        decisions.decide_many(identifiers[start:start + 10_000], PURPOSE)
    sample = [random.choice(identifiers) for _ in range(20_000)]
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for identifier in sample:
            decisions.decide(identifier, PURPOSE)
        count += len(sample)
    cached = count / (time.perf_counter() - start)

    decisions.invalidate()
    decisions.ttl = 0.0  # every call reads the store
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds / 2:
        decisions.decide(random.choice(identifiers), PURPOSE)
        count += 1
    uncached = count / (time.perf_counter() - start)
    decisions.ttl = app.settings.decision_cache_seconds

    # Baseline: what a developer writes without Egide: one SQL lookup of the latest consent event.
    keyring = app.store.keyring
    lookups = [keyring.lookup_hash(i) for i in identifiers]
    query = text("SELECT ce.action FROM subject_identifiers si JOIN consent_events ce ON ce.subject_id = si.subject_id "
                 "WHERE si.kind = 'email' AND si.lookup_hash = :h AND ce.purpose = :p "
                 "ORDER BY ce.recorded_at DESC LIMIT 1")
    count, start = 0, time.perf_counter()
    with app.engine.connect() as c:
        while time.perf_counter() - start < seconds / 2:
            c.execute(query, {"h": random.choice(lookups), "p": PURPOSE}).first()
            count += 1
    baseline = count / (time.perf_counter() - start)
    return {"cached": cached, "uncached": uncached, "baseline_sql": baseline}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, database_url: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # One server owns the writes here, so its cache is invalidated by them; time-based expiry is for fleets.
    env = {**os.environ, "EGIDE_DATA_DIR": str(data_dir), "EGIDE_DECISION_CACHE_SECONDS": "3600"}
    if database_url:
        env["EGIDE_DATABASE_URL"] = database_url
    process = subprocess.Popen([EGIDE, "serve", "--port", str(port), "--no-access-log"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start: {process.stderr.read().decode()[-2000:]}")


def wrk(url: str, lua: str, seconds: int) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", handle.name, url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses:\n{out}")
    return rate, float(p99.group(1)) * factor


def python_load(url: str, paths: list[str], seconds: float) -> tuple[float, float]:
    """Fallback when wrk is missing: keep-alive http.client in one thread (slower than the server)."""
    import http.client

    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port))
    latencies, start = [], time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        conn.request("GET", random.choice(paths))
        conn.getresponse().read()
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return len(latencies) / (time.perf_counter() - start), latencies[int(len(latencies) * 0.99)]


def http_decisions(url: str, emails: list[str], seconds: int) -> tuple[float, float, str]:
    paths = [f"/api/v1/decisions?email={e}&purpose={PURPOSE}" for e in random.sample(emails, min(2000, len(emails)))]
    for path in paths:  # warm the server's cache
        urllib.request.urlopen(url + path).read()
    if shutil.which("wrk"):
        lua = ("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
               "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n")
        rate, p99 = wrk(url, lua, seconds)
        return rate, p99, "wrk"
    rate, p99 = python_load(url, paths, seconds)
    return rate, p99, "python"


def batch(url: str, emails: list[str], rounds: int = 5) -> tuple[float, float]:
    sample = random.sample(emails, 10_000) if len(emails) >= 10_000 else emails
    body = json.dumps({"purpose": PURPOSE, "emails": sample}).encode()

    def once() -> float:
        request = urllib.request.Request(url + "/api/v1/decisions/batch", data=body,
                                         headers={"content-type": "application/json"})
        t0 = time.perf_counter()
        answer = json.loads(urllib.request.urlopen(request).read())
        assert answer["count"] == len(sample)
        return time.perf_counter() - t0

    cold = once()
    warm = min(once() for _ in range(rounds))
    return len(sample) / cold, len(sample) / warm


def consent_events_postgres(seconds: int, base_url: str) -> tuple[float, str]:
    schema = f"egide_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
        durable = c.execute(text("SHOW synchronous_commit")).scalar_one()
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    data_dir = Path(tempfile.mkdtemp(prefix="egide-bench-pg-"))
    settings = Settings(data_dir=data_dir, database_url=url)
    initialise(settings)
    app = build_app(settings)
    activate_register(app.store, load_register(REGISTER), "bench")
    sha = app.registers.refresh().sha256
    app.close()
    process, server = start_server(data_dir, url)
    try:
        lua = (
            "counter = 0\n"
            "threads = 0\n"
            "setup = function(thread) threads = threads + 1; thread:set('tid', threads) end\n"
            "request = function()\n"
            "  counter = counter + 1\n"
            "  local id = string.format('bench%04d%012d', tid, counter)\n"
            f"  local body = '{{\"browser_id\":\"' .. id .. '\",\"choices\":{{\"analytics\":true,\"advertising\":false}},"
            f"\"register_version\":\"{sha}\",\"idempotency_key\":\"' .. id .. '\"}}'\n"
            "  return wrk.format('POST', '/api/v1/consents', {['Content-Type']='application/json'}, body)\n"
            "end\n")
        if not shutil.which("wrk"):
            return 0.0, durable
        rate, _ = wrk(server, lua, seconds)
        events = rate * 2  # two categories per choice: two ledger events (and two audit events) per request
    finally:
        process.terminate()
        process.wait(10)
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return events, durable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    random.seed(7)

    data_dir = Path(tempfile.mkdtemp(prefix="egide-bench-"))
    settings = Settings(data_dir=data_dir)
    initialise(settings)
    app = build_app(settings)
    activate_register(app.store, load_register(REGISTER), "bench")
    t0 = time.perf_counter()
    emails = populate(app, args.people)
    print(f"store: SQLite, {args.people} people ({time.perf_counter() - t0:.1f}s to populate)")

    rates = inprocess(app, emails, args.seconds)
    app.close()
    print(f"in-process, cached:            {rates['cached']:>12,.0f} decisions/s (one core)")
    print(f"in-process, uncached (store):  {rates['uncached']:>12,.0f} decisions/s")
    print(f"baseline, one SQL lookup each: {rates['baseline_sql']:>12,.0f} lookups/s "
          f"(cached Egide is {rates['cached'] / rates['baseline_sql']:.0f}x)")

    process, url = start_server(data_dir, None)
    try:
        http_rate, p99, client = http_decisions(url, emails, args.seconds)
        cold, warm = batch(url, emails)
    finally:
        process.terminate()
        process.wait(10)
    print(f"HTTP GET /decisions ({client}):   {http_rate:>12,.0f} requests/s, p99 {p99:.2f} ms (1 worker)")
    print(f"HTTP batch of 10,000:          {warm:>12,.0f} decisions/s warm, {cold:,.0f} cold")

    pg = os.environ.get("EGIDE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        events, durable = consent_events_postgres(args.seconds, pg)
        print(f"consent events over HTTP (PostgreSQL, synchronous_commit={durable}): {events:,.0f} events/s")
    except Exception as exc:  # reported, not hidden: the line below says 0
        print(f"consent events on PostgreSQL: not measured ({exc})")
        events = 0.0
    print(f"RESULT inprocess_per_s={rates['cached']:.0f} http_per_s={http_rate:.0f} http_p99_ms={p99:.2f} "
          f"batch_per_s={warm:.0f} consent_events_per_s={events:.0f}")


if __name__ == "__main__":
    main()
