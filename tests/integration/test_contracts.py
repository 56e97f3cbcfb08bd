"""Contracts started and ended through the service, honoured by the decision point for a purpose
that needs a live contract (seed 002: essential.service), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from egide.adapters.store.tables import audit_events
from egide.domain.errors import InvalidInputError, NotFoundError
from egide.domain.identity import Identifier
from egide.register.loader import load_register
from egide.services.contracts import end_contract, start_contract
from egide.services.registers import activate_register
from tests.unit.datasets import OKASIO

EMAIL = Identifier.of("email", "jeanne.martin@example.com")


@pytest.fixture
def active(app):
    activate_register(app.store, load_register(OKASIO), "test")
    app.registers.refresh()
    return app.registers.get()


def decision(app):
    app.decisions.invalidate()
    return app.decisions.decide(EMAIL, "essential.service").decision


def test_a_purpose_needing_a_live_contract_is_allowed_only_while_the_contract_runs(app, active, clock):
    assert decision(app).rule == "contract.not_live"
    contract_id = start_contract(app.store, active, EMAIL, "services-and-accounts", "agent:test")
    assert decision(app).allowed
    clock.advance(timedelta(days=30))
    end_contract(app.store, contract_id, "agent:test")
    assert decision(app).rule == "contract.not_live"
    with app.engine.connect() as c:
        trail = list(c.execute(select(audit_events.c.action)).scalars())
    assert "contract.started" in trail and "contract.ended" in trail


def test_an_unknown_activity_or_contract_is_named_and_changes_nothing(app, active):
    with pytest.raises(InvalidInputError, match="no activity 'services-and-account'") as caught:
        start_contract(app.store, active, EMAIL, "services-and-account", "agent:test")
    assert "did you mean 'services-and-accounts'?" in str(caught.value)
    with pytest.raises(NotFoundError, match="no running contract"):
        end_contract(app.store, "4f1e0000-0000-4000-8000-000000000000", "agent:test")
    assert decision(app).rule == "contract.not_live"
