"""Shared fixtures: stores on SQLite and PostgreSQL, a fixed clock, a clean register.

PostgreSQL tests use EGIDE_TEST_POSTGRES_URL (`.ci/run` exports it). Without it they skip
with a reason on a laptop, and fail under CI (CI=true): CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import copy
import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from ruamel.yaml import YAML

from egide.bootstrap import App, build_app, initialise
from egide.domain.clock import FixedClock
from egide.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "registers"
SEEDS = ROOT.parent / "shared" / "seeds"
POSTGRES_URL = os.environ.get("EGIDE_TEST_POSTGRES_URL")
MARIADB_URL = os.environ.get("EGIDE_TEST_MARIADB_URL")  # a company database, e.g. mysql+pymysql://root@127.0.0.1:3306/test


def _postgres_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if os.environ.get("CI"):
        pytest.fail("EGIDE_TEST_POSTGRES_URL is not set under CI: the PostgreSQL tests must run")
    pytest.skip("PostgreSQL tests need EGIDE_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema of the test database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    base = _postgres_or_skip()
    schema = f"egide_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {base} is not reachable under CI: {exc}")
        pytest.skip(f"PostgreSQL at {base} is not reachable: {exc}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema of the test database, dropped afterwards."""
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A URL on a fresh database of the MariaDB/MySQL server named by EGIDE_TEST_MARIADB_URL (a company
    database: Egide's own store runs on SQLite or PostgreSQL), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not MARIADB_URL:
        if os.environ.get("CI"):
            pytest.fail("EGIDE_TEST_MARIADB_URL is not set under CI: the MariaDB tests must run")
        pytest.skip("MariaDB tests need EGIDE_TEST_MARIADB_URL (e.g. mysql+pymysql://root@127.0.0.1:3306/test)")
    name = f"egide_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(MARIADB_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"MariaDB at {MARIADB_URL} is not reachable under CI: {exc}")
        pytest.skip(f"MariaDB at {MARIADB_URL} is not reachable: {exc}")
    yield make_url(MARIADB_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE `{name}`"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'egide.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, actor="test")


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[App]:
    initialise(settings)
    application = build_app(settings, clock=clock)
    yield application
    application.close()


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def dump_yaml(data: Any, path: Path) -> Path:
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return path


CLEAN_REGISTER: dict[str, Any] = {
    "policy": {"version": "2026-01", "effective_date": "2026-01-01", "language": "fr"},
    "controller": {"name": "Exemple SAS", "legal_form": "SAS", "registration": "RCS Paris 000 000 000",
                   "address": "1 rue de l'Exemple, 75001 Paris", "country": "FR", "email": "privacy@example.com"},
    "dpo": {"email": "dpo@example.com"},
    "supervisory_authority": {"name": "CNIL", "country": "FR", "url": "https://www.cnil.fr"},
    "recipients": [
        {"key": "hosting", "name": "Hébergeur SAS", "kind": "processor", "dpa": True, "country": "FR"},
    ],
    "activities": [
        {
            "key": "customers",
            "name": "Gestion des clients",
            "data_subjects": ["customer"],
            "purposes": [{"use": "essential.service", "legal_basis": "contract"}],
            "data_categories": [
                {"key": "user.contact.email", "mandatory": True, "if_not_provided": "no account"},
                {"key": "user.name"},
            ],
            "recipients": ["hosting"],
        },
        {
            "key": "newsletter",
            "name": "Newsletter",
            "data_subjects": ["customer", "prospect"],
            "purposes": [{
                "use": "marketing.communications.email", "legal_basis": "consent",
                "withdrawal_channels": [{"kind": "unsubscribe_link"}],
            }],
            "data_categories": ["user.contact.email"],
        },
    ],
    "retention": [
        {"key": "customers-5y", "activities": ["customers"], "duration": "P5Y", "clock": "contract_end",
         "action": "delete"},
        {"key": "newsletter-3y", "activities": ["newsletter"], "duration": "P3Y", "clock": "last_contact"},
    ],
    "cookie_policy": {"consent_mechanism": "banner"},
    "cookies": [
        {"name": "session", "provider": "Exemple SAS", "category": "strictly_necessary",
         "purpose": "keeps you signed in", "lifetime": "P1D", "exempt": True},
    ],
    "rights": {
        "response_deadline": "P1M",
        "channels": [{"kind": "email", "address": "privacy@example.com"}],
        "offered": ["access", "rectification", "erasure", "restriction", "portability", "objection",
                    "withdraw_consent", "complaint"],
    },
}


@pytest.fixture
def clean_register() -> dict[str, Any]:
    """A register with no finding at all: tests change one thing and expect one finding."""
    return copy.deepcopy(CLEAN_REGISTER)
