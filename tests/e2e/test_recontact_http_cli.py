"""Re-contact end to end: `egide retention recontact list|send|answer` through the CLI runner with
a real SMTP server (aiosmtpd on loopback), the staff list API and the keep-me / forget-me page over
a real socket. The shop of seed 002 on SQLite, a prospect last heard from three years ago."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from typer.testing import CliRunner

from egide.adapters.cli.main import app as cli_app
from egide.demo import shop
from tests.conftest import EXAMPLES, ROOT, dump_yaml, load_yaml
from tests.e2e.conftest import _free_port, egide_app, serve
from tests.e2e.test_request_cli import smtp  # noqa: F401 (the aiosmtpd fixture)

runner = CliRunner()
TOKEN = "s3cret-token-for-tests"
DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


def _register(tmp_path: Path) -> Path:
    data = load_yaml(EXAMPLES / "002-okasio.yaml")
    for rule in data["retention"]:
        if rule.get("recontact"):
            rule["recontact"]["notify"] = True
    return dump_yaml(data, tmp_path / "okasio-notify.yaml")


@pytest.fixture
def company(tmp_path, monkeypatch):
    """The shop with one prospect due (last contact three years and ten days ago) and one not."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    path = tmp_path / "shop.db"
    shop.build_shop(path, customers=5, seed=2, now=now, log_days=1)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        c.execute(text("DELETE FROM newsletter_subscribers"))
        c.execute(text("DELETE FROM prospects"))
        for number, days in ((1, 3 * 366 + 10), (2, 20)):
            at = now - timedelta(days=days)
            c.execute(shop.PROSPECTS.insert(), {
                "id": number, "email": f"prospect.{number}@example.com", "first_name": "Lou", "last_name": "Vidal",
                "company": None, "phone": None, "source": "salon", "collected_at": at, "last_contact_at": at})
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _last_contact(engine, number: int) -> datetime:
    with engine.connect() as c:
        return c.execute(select(shop.PROSPECTS.c.last_contact_at).where(shop.PROSPECTS.c.id == number)).scalar_one()


def test_the_cli_lists_sends_and_records_a_keep_answer(tmp_path, company, smtp):  # noqa: F811
    data = tmp_path / "data"

    def egide(*args):
        return runner.invoke(cli_app, ["--data-dir", str(data), *[str(a) for a in args]], catch_exceptions=False)

    assert egide("init").exit_code == 0
    assert egide("register", "activate", _register(tmp_path)).exit_code == 0
    listed = egide("retention", "recontact", "list", "--dataset", DATASET)
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(io.StringIO(listed.output)))
    assert [(r["table"], r["key"], r["email"], r["rule"]) for r in rows] == [
        ("prospects", "1", "prospect.1@example.com", "prospect-data")]
    as_json = json.loads(egide("retention", "recontact", "list", "--dataset", DATASET, "--format", "json").output)
    assert [p["key"] for p in as_json["people"]] == [["1"]]
    sent = egide("retention", "recontact", "send", "--dataset", DATASET)
    assert sent.exit_code == 0, sent.output
    assert "1 people contacted, 1 notices sent" in sent.output
    message = smtp.wait_for(1)[0]
    assert message["To"] == "prospect.1@example.com" and message["X-Egide-Notice"] == "recontact"
    reference = message["Subject"].split(" ", 1)[0].rstrip(":")
    assert "/recontact/" in message.get_content()
    assert egide("retention", "recontact", "list", "--dataset", DATASET).output.strip().count("\n") == 0  # header only
    before = _last_contact(company, 1)
    answered = egide("retention", "recontact", "answer", reference, "keep", "--dataset", DATASET)
    assert answered.exit_code == 0, answered.output
    assert "keep" in answered.output and "the clock restarts today" in answered.output
    assert _last_contact(company, 1) > before
    bad = runner.invoke(cli_app, ["--data-dir", str(data), "retention", "recontact", "answer", reference, "maybe"])
    assert bad.exit_code != 0 and "unknown answer" in bad.output


@pytest.fixture
def live(tmp_path, company):
    port = _free_port()
    app = egide_app(tmp_path, _register(tmp_path), public_url=f"http://127.0.0.1:{port}", api_token=TOKEN,
                    datasets=[DATASET])
    try:
        for url in serve(app, port):
            yield url, app
    finally:
        app.close()


def test_the_staff_api_lists_people_due_and_the_link_page_records_a_forget_answer(live, company):
    url, app = live
    assert httpx.get(f"{url}/api/v1/retention/recontact").status_code == 401
    headers = {"authorization": f"Bearer {TOKEN}"}
    body = httpx.get(f"{url}/api/v1/retention/recontact", headers=headers).json()
    assert body["count"] == 1 and body["people"][0]["email"] == "prospect.1@example.com"
    future = (datetime.now(timezone.utc) + timedelta(days=3 * 366)).date().isoformat()
    later = httpx.get(f"{url}/api/v1/retention/recontact", params={"at": future}, headers=headers).json()
    assert later["count"] == 2
    assert httpx.get(f"{url}/api/v1/retention/recontact", params={"at": "yesterday"},
                     headers=headers).status_code == 400

    from egide.adapters.notifications import request_desk
    from egide.services.request_runner import CompanyDatabase
    from egide.datasets.loader import load_dataset
    from egide.services.retention.recontact import record_contacts

    database = CompanyDatabase(load_dataset(DATASET).dataset, company, None)
    record_contacts(request_desk(app), app.registers.get().loaded.register, [database],
                    public_url=app.settings.public_url)
    notice = next((app.settings.data_dir / "outbox").glob("*.eml")).read_text(encoding="utf-8")
    link = next(line for line in notice.splitlines() if "answer=forget" in line).split(": ", 1)[1].strip()
    page = httpx.get(link)
    assert page.status_code == 200 and "<form" in page.text and 'value="forget"' in page.text
    done = httpx.post(link.split("?", 1)[0], content="answer=forget",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "effacement" in done.text
    with app.store.unit_of_work(read_only=True) as uow:
        requests = uow.requests.all()
    assert [(r.right.value, r.status.value) for r in requests] == [("erasure", "verified")]
    forged = link.split("?", 1)[0][:-3] + "AAA"
    assert httpx.post(forged, content="answer=keep",
                      headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 400
