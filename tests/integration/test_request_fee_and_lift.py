"""A fee instead of a refusal (art. 12(5)(a)) and a restriction lifted only after the person was told
(art. 18(3)), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, request_fees, restrictions
from egide.domain.errors import InvalidInputError, NotFoundError
from egide.domain.identity import Identifier
from egide.domain.notices import NoticeKind
from egide.domain.requests import ForbiddenMoveError, RequestStatus
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.services.request_fees import charge_fee, fee_paid
from egide.services.request_identity import verify_manually
from egide.services.request_runner import run_request
from egide.services.requests import refuse, send_pending, show_request, start_run, submit_request
from egide.services.restriction_lifts import announce_lift, lift_due
from tests.conftest import CLEAN_REGISTER, dump_yaml
from tests.integration.test_requests import Collecting

EMAIL = "jeanne.martin@example.com"
SERVICE = "essential.service"  # the clean register's contract purpose


@pytest.fixture
def outbox():
    return Collecting()


@pytest.fixture
def desk(app, outbox, tmp_path):
    activate_register(app.store, load_register(dump_yaml(CLEAN_REGISTER, tmp_path / "clean.yaml")), "test")
    app.registers.refresh()
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=outbox)


def verified(desk, right="access"):
    reference = submit_request(desk, right=right, email=EMAIL, identify=False).request.reference
    verify_manually(desk, reference, "appel au numéro du compte")
    return reference


def actions(app):
    with app.engine.connect() as c:
        return list(c.execute(select(audit_events.c.action).order_by(audit_events.c.seq)).scalars())


# --- fee (art. 12(5)(a)) ---------------------------------------------------------------------------


def test_a_fee_suspends_the_clock_and_tells_the_person_the_amount_and_their_right_to_complain(desk, outbox, app):
    reference = verified(desk)
    change = charge_fee(desk, reference, amount="15", currency="eur", reason="Quatrième copie identique ce mois-ci",
                        ground="excessive")
    assert change.request.status is RequestStatus.awaiting_fee
    body = [n for n in outbox.sent if n.kind is NoticeKind.fee][-1].body
    assert "15,00 EUR" in body and "Quatrième copie" in body and "retirer votre demande" in body
    assert "réclamation auprès de l'autorité de contrôle, CNIL" in body and "art. 12(5)(a)" in body
    with app.engine.connect() as c:
        fee = c.execute(select(request_fees)).one()
    assert (fee.amount_cents, fee.currency, fee.ground, fee.paid_at) == (1500, "EUR", "excessive", None)
    assert show_request(desk, reference).row.suspended


def test_paying_the_fee_lets_the_request_run_with_the_due_date_pushed_by_the_wait(desk, app, clock):
    reference = verified(desk)
    charge_fee(desk, reference, amount="12.50", currency="EUR", reason="Coût d'envoi postal")
    clock.advance(timedelta(days=10))
    change = fee_paid(desk, reference)
    assert change.request.status is RequestStatus.verified
    assert change.request.due_on == date(2026, 3, 10)  # 28 February + the ten days waited
    with pytest.raises(ForbiddenMoveError, match="verified: it cannot fee paid"):
        fee_paid(desk, reference)
    assert start_run(desk, reference).request.status is RequestStatus.running
    trail = actions(app)
    assert trail.index("request.fee_charged") < trail.index("request.fee_paid") < trail.index("request.started")


def test_a_person_who_does_not_pay_is_refused_and_the_wait_ends(desk, outbox):
    reference = verified(desk)
    charge_fee(desk, reference, amount="15", currency="EUR", reason="Demandes répétées")
    change = refuse(desk, reference, "Les frais demandés n'ont pas été payés.", "excessive")
    assert change.request.status is RequestStatus.refused
    assert not show_request(desk, reference).row.suspended


@pytest.mark.parametrize(("given", "message"), [
    ({"amount": "-3"}, "must be positive"), ({"amount": "3.999"}, "at most two decimals"),
    ({"amount": "quinze"}, "is not an amount"), ({"amount": "5000"}, "not a reasonable fee"),
    ({"currency": "euros"}, "ISO 4217"), ({"reason": " "}, "reason is required"),
    ({"ground": "identity_not_established"}, "only for a manifestly unfounded or excessive request"),
])
def test_a_bad_fee_is_refused_and_changes_nothing(desk, app, given, message):
    reference = verified(desk)
    with pytest.raises(InvalidInputError, match=message):
        charge_fee(desk, reference, **{"amount": "15", "currency": "EUR", "reason": "coûts", **given})
    assert show_request(desk, reference).request.status is RequestStatus.verified
    with app.engine.connect() as c:
        assert c.execute(select(request_fees)).all() == []


def test_a_fee_cannot_be_asked_before_the_identity_is_verified(desk):
    reference = submit_request(desk, right="access", email=EMAIL).request.reference
    with pytest.raises(ForbiddenMoveError, match="awaiting_code: it cannot charge fee"):
        charge_fee(desk, reference, amount="15", currency="EUR", reason="coûts")


# --- lifting a restriction (art. 18(3)) -----------------------------------------------------------


def restricted(desk, app, tmp_path):
    reference = verified(desk, "restriction")
    run_request(desk, app.registers.get(), reference, [], tmp_path / "out")
    assert not _allowed(app)
    return reference


def _allowed(app):
    app.decisions.invalidate()
    return app.decisions.decide(Identifier.of("email", EMAIL), SERVICE).decision.allowed


def test_the_person_is_told_before_the_restriction_is_lifted(desk, outbox, app, tmp_path):
    reference = restricted(desk, app, tmp_path)
    report = announce_lift(desk, reference, "L'exactitude de vos données a été vérifiée.")
    assert len(report.announced) == 1 and report.lifted == report.announced and report.waiting == []
    body = [n for n in outbox.sent if n.kind is NoticeKind.restriction_lifting][-1].body
    assert "levée le 31 janvier 2026" in body and "exactitude" in body and "art. 18(3)" in body
    assert _allowed(app)
    trail = actions(app)
    assert trail.index("restriction.lift_announced") < trail.index("restriction.lifted")
    assert trail[trail.index("restriction.lift_announced"):].index("notice.sent") < \
        trail[trail.index("restriction.lift_announced"):].index("restriction.lifted")


def test_a_restriction_is_not_lifted_while_the_notice_could_not_be_delivered(desk, outbox, app, tmp_path):
    reference = restricted(desk, app, tmp_path)
    outbox.failing = True
    report = announce_lift(desk, reference, "Vérification terminée.")
    assert report.lifted == [] and report.waiting == report.announced
    assert not _allowed(app)
    outbox.failing = False
    send_pending(desk)
    assert lift_due(desk).lifted == report.announced
    assert _allowed(app)


def test_a_lift_announced_for_a_later_day_happens_on_that_day(desk, app, clock, tmp_path):
    reference = restricted(desk, app, tmp_path)
    report = announce_lift(desk, reference, "Fin de l'examen de votre opposition.", lift_on=date(2026, 2, 15))
    assert report.lifted == [] and report.waiting == []
    assert lift_due(desk).lifted == [] and not _allowed(app)
    clock.advance(timedelta(days=15))
    assert lift_due(desk).lifted == report.announced and _allowed(app)
    with app.engine.connect() as c:
        row = c.execute(select(restrictions)).one()
    assert row.lifted_at is not None and row.lift_reason.startswith("Fin de l'examen")


def test_a_lift_cannot_be_announced_twice_or_in_the_past(desk, app, tmp_path):
    reference = restricted(desk, app, tmp_path)
    with pytest.raises(InvalidInputError, match="in the past"):
        announce_lift(desk, reference, "raison", lift_on=date(2026, 1, 1))
    announce_lift(desk, reference, "raison", lift_on=date(2026, 2, 15))
    with pytest.raises(NotFoundError, match="already announced"):
        announce_lift(desk, reference, "raison")
