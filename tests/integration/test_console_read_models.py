"""The console's read models on SQLite and PostgreSQL: consent counts grouped in SQL, the audit
search by person, request and actor, a request's page and the view event it writes."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from egide.adapters.notifications import request_desk
from egide.adapters.store import console_queries
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.domain.identity import Identifier
from egide.register.loader import load_register
from egide.services.consent import record_choice
from egide.services.consent_figures import acceptance_series
from egide.services.registers import activate_register
from egide.services.request_identity import verify_manually
from egide.services.requests import extend, submit_request
from egide.services.staff_views import VIEWED, record_view, request_page
from egide.services.subjects import find_or_register
from tests.conftest import CLEAN_REGISTER, dump_yaml
from tests.integration.test_requests import Collecting

NEWSLETTER = "marketing.communications.email"
EMAIL = "louise.bernard@example.com"


@pytest.fixture
def active(app, tmp_path):
    activate_register(app.store, load_register(dump_yaml(CLEAN_REGISTER, tmp_path / "clean.yaml")), "test")
    return app.registers.refresh()


@pytest.fixture
def desk(app, active):
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=Collecting())


def choose(app, active, email, accepted):
    subject = find_or_register(app.store, Identifier.of("email", email), "test")
    proof = ConsentProof(channel=ConsentChannel.form, register_version=active.sha256, language="fr")
    record_choice(app.store, active, choices={NEWSLETTER: accepted}, proof=proof, actor="test", subject_id=subject.id)


def test_consent_counts_are_grouped_per_day_purpose_version_and_action(app, active, clock):
    for i, accepted in enumerate([True, True, True, False]):
        choose(app, active, f"person{i}@example.com", accepted)
    clock.advance(timedelta(days=8))
    choose(app, active, "person0@example.com", False)  # a withdrawal, a week later
    today = clock.now().date()
    counts = console_queries.consent_counts(app.store, today - timedelta(days=30), today)
    by_key = {(c.day, c.action): c.count for c in counts}
    assert by_key == {(date(2026, 1, 31), "given"): 3, (date(2026, 1, 31), "refused"): 1,
                      (date(2026, 2, 8), "withdrawn"): 1}
    assert {c.purpose for c in counts} == {NEWSLETTER} and {c.register_version for c in counts} == {active.sha256}
    series = acceptance_series(counts, today - timedelta(days=30), today, period="week")
    week = next(p for p in series[0].points if p.choices)
    assert (week.given, week.refused, week.rate) == (3, 1, 0.75)
    assert series[0].total.withdrawn == 1


def test_consent_counts_outside_the_dates_are_left_out(app, active, clock):
    choose(app, active, "person@example.com", True)
    day = clock.now().date()
    assert console_queries.consent_counts(app.store, day + timedelta(days=1), day + timedelta(days=9)) == []


def test_the_audit_search_finds_a_person_by_email_without_the_email_in_the_trail(app, desk):
    request = submit_request(desk, right="access", email=EMAIL, text="Une copie, merci").request
    submit_request(desk, right="access", email="someone.else@example.com")
    person = console_queries.person_objects(app.store, EMAIL.upper())
    assert person.subject_ids == (request.subject_id,) and person.request_ids == (request.id,)
    events = console_queries.audit_events(app.store, object_ids=person.object_ids)
    assert events and all(request.id in (e.object_id, e.payload.get("request_id")) or e.object_id == request.subject_id
                          for e in events)
    assert {e.action for e in events} >= {"request.received"}
    assert all(EMAIL not in json.dumps(e.payload) for e in events)
    assert console_queries.person_objects(app.store, "nobody@example.com").object_ids == ()
    assert console_queries.audit_events(app.store, object_ids=()) == []


def test_the_audit_search_filters_by_actor_and_action_newest_first(app, desk):
    reference = submit_request(desk, right="access", email=EMAIL).request.reference
    verify_manually(desk, reference, "in person", None)
    events = console_queries.audit_events(app.store, actor="agent:test", action="request.")
    assert events and all(e.actor == "agent:test" and e.action.startswith("request.") for e in events)
    assert [e.seq for e in events] == sorted((e.seq for e in events), reverse=True)
    assert console_queries.audit_events(app.store, actor="nobody") == []
    assert console_queries.audit_events(app.store, action="request%") == []  # a wildcard is a character


def test_a_request_page_gathers_its_parts_and_records_who_viewed_it(app, desk):
    reference = submit_request(desk, right="access", email=EMAIL, text="Une copie, merci").request.reference
    extend(desk, reference, "many archives to search", "P1M")
    page = request_page(desk, reference, lambda rid: console_queries.request_steps(app.store, rid), "account:dpo")
    assert page.view.claims["email"] == EMAIL and page.view.request.extension_reason == "many archives to search"
    assert page.recipients == [] and page.tasks == [] and page.results == [] and page.kept == []
    viewed = console_queries.audit_events(app.store, action=VIEWED)
    assert len(viewed) == 1
    assert (viewed[0].actor, viewed[0].object_id, viewed[0].payload) == (
        "account:dpo", page.view.request.id, {"page": "request", "reference": reference})


def test_record_view_keeps_references_only(app):
    record_view(app.store, "account:auditor", "audit_search", "audit_trail", "search", kind="person", results=3)
    event = console_queries.audit_events(app.store, action=VIEWED)[0]
    assert event.payload == {"page": "audit_search", "kind": "person", "results": 3}
