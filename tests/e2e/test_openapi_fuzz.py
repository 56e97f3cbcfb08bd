"""A bounded schemathesis run over the HTTP API, generated from its own OpenAPI document: every
operation gets examples built from its schema (valid and invalid), sent in-process through the
ASGI app, on Egide's store on SQLite and on PostgreSQL, with the staff token so the desk operations are reached too. No answer may be a 5xx.

Bounded: a fixed number of examples per operation, derandomized (the same run every time), so
the whole file stays well under a minute on a loaded machine."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from egide.adapters.http.app import create_app
from egide.bootstrap import build_app, initialise
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.settings import Settings
from tests.conftest import EXAMPLES, postgres_schema_url

TOKEN = "staff-token-for-the-fuzz-run"
STAFF = {"authorization": f"Bearer {TOKEN}"}
EXAMPLES_PER_OPERATION = 8


class NoJobs:
    name = "none"

    """The job queue: a run put on it is only counted (the fuzz run tests the HTTP layer)."""

    def __init__(self) -> None:
        self.enqueued: list[tuple[str, dict]] = []

    def enqueue(self, name: str, **references: object) -> str:
        self.enqueued.append((name, references))
        return f"job-{len(self.enqueued)}"

    def __getattr__(self, name: str):  # any other runner call is a no-op
        return lambda *args, **kwargs: None


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_schema(request, tmp_path_factory):
    """The API on Egide's store on SQLite, then on PostgreSQL (a driver error surfacing as a 500
    would differ between the two)."""
    if request.param == "sqlite":
        yield from _schema(tmp_path_factory, {})
        return
    with postgres_schema_url() as url:
        yield from _schema(tmp_path_factory, {"database_url": url})


def _schema(tmp_path_factory, store):  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("fuzz")
    config = Settings(data_dir=directory / "data", actor="test", api_token=TOKEN,
                      public_url="http://127.0.0.1:8000", outbox_dir=directory / "outbox", **store)
    initialise(config)
    app = build_app(config)
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    app.registers.refresh()
    try:
        yield schemathesis.openapi.from_asgi("/api/openapi.json", create_app(app, jobs=NoJobs()))
    finally:
        app.close()


def test_no_operation_of_the_api_answers_a_server_error(api_schema):
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # the document lists the API's operations

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=STAFF)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} answered {response.status_code}: "
                                f"{response.text[:300]}\n  reproduce: {case.as_curl_command(headers=STAFF)}")

        call()
    assert not failures, "\n".join(failures)
    assert sum(statuses.values()) >= len(operations) * 2, statuses
    assert any(200 <= status < 300 for status in statuses), statuses  # some calls got past validation
