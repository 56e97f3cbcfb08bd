"""A re-contact keeps the rows it asks about (seed 002: prospects asked after three years whether
to go on, and deleted after three years): the retention plan and run release a prospect's row only
after they were contacted and the answer period (one month by default) ran out without an answer,
or after *forget me*; *keep me* keeps it for another period. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from egide.services.retention import plan_retention, run_retention
from egide.services.retention.recontact import answer_recontact, record_contacts
from tests.integration.test_recontact import NOW, PUBLIC, company, desk, okasio  # noqa: F401 (fixtures)


def _prospects(plan):
    """(rows deleted, rows held, example keys deleted) on the prospects table."""
    count = next(c for c in plan.counts if c.table == "prospects" and c.action.value == "delete")
    return count.rows, count.held, count.examples


def test_a_prospect_due_for_recontact_is_kept_until_contacted(app, desk, company, tmp_path):  # noqa: F811
    plan = plan_retention(app.store, okasio(tmp_path), [company], NOW)
    rows, held, _ = _prospects(plan)
    assert (rows, held) == (0, 1)
    assert "shop/prospects: 1 row(s) under prospect-data wait to be contacted (egide retention recontact send)" \
        in plan.notes


def test_a_contacted_prospect_is_kept_for_the_answer_period_then_deleted(app, desk, company, tmp_path):  # noqa: F811
    register = okasio(tmp_path)
    record_contacts(desk, register, [company], public_url=PUBLIC)
    # contacted on 31 January: the answer period (P1M) ends on 28 February
    waiting = plan_retention(app.store, register, [company], NOW + timedelta(days=27))
    assert _prospects(waiting)[:2] == (0, 2)  # prospect 1 awaits its answer, prospect 2 its contact
    assert "shop/prospects: 1 row(s) under prospect-data wait for the person's answer" in waiting.notes
    assert "shop/prospects: 1 row(s) under prospect-data wait to be contacted (egide retention recontact send)" \
        in waiting.notes
    released = plan_retention(app.store, register, [company], NOW + timedelta(days=29))
    rows, held, examples = _prospects(released)
    assert (rows, held) == (1, 1) and "1" in str(examples)


def test_the_run_deletes_nothing_while_the_answer_is_awaited(app, desk, company, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive.db'}")
    register = okasio(tmp_path)
    record_contacts(desk, register, [company], public_url=PUBLIC)
    early = run_retention(app.store, register, [company], NOW + timedelta(days=10))
    assert _prospects(early)[:2] == (0, 2)
    assert _prospect_ids(company) == [1, 2, 3]
    late = run_retention(app.store, register, [company], NOW + timedelta(days=40))
    assert _prospects(late)[0] == 1
    assert _prospect_ids(company) == [2, 3]


def test_keep_me_keeps_the_row_for_another_period(app, desk, company, tmp_path):  # noqa: F811
    register = okasio(tmp_path)
    contact = next(c for c in record_contacts(desk, register, [company], public_url=PUBLIC).contacts
                   if c.table == "newsletter_subscribers")
    answer_recontact(desk, contact.reference, "keep", by="data_subject", databases=[company], register=register)
    plan = plan_retention(app.store, register, [company], NOW + timedelta(days=300))
    assert any("newsletter_subscribers" in n and "answered keep me" in n for n in plan.notes)


def test_forget_me_releases_the_row_at_once(app, desk, company, tmp_path):  # noqa: F811
    register = okasio(tmp_path)
    contact = next(c for c in record_contacts(desk, register, [company], public_url=PUBLIC).contacts
                   if c.table == "prospects")
    answer_recontact(desk, contact.reference, "forget", by="data_subject", through_link=True)
    rows, held, examples = _prospects(plan_retention(app.store, register, [company], NOW + timedelta(days=1)))
    assert (rows, held) == (1, 1) and "1" in str(examples)  # prospect 2, due that day, waits for its contact


def _prospect_ids(company):  # noqa: F811
    from sqlalchemy import select

    from egide.demo import shop

    with company.engine.connect() as c:
        return [r[0] for r in c.execute(select(shop.PROSPECTS.c.id).order_by(shop.PROSPECTS.c.id))]
