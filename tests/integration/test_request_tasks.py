"""Tasks for people, on SQLite and PostgreSQL: manual sources (the request waits for them), human
review of an automated decision (art. 22(3)), objections to a legitimate-interest purpose assessed
by the DPO (art. 21(1)), honoured by the decision point."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, objections
from egide.datasets.model import ManualSource
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError
from egide.domain.identity import Identifier
from egide.domain.notices import NoticeKind
from egide.domain.requests import RequestStatus
from egide.domain.tasks import TaskKind, TaskStatus
from egide.register.loader import load_register
from egide.services.audit import verify_audit_trail
from egide.services.registers import activate_register
from egide.services.request_identity import verify_manually
from egide.services.request_runner import CompanyDatabase, run_request
from egide.services.request_tasks import decide_objection, record_review
from egide.services.requests import show_request, submit_request
from egide.services.tasks import close_task, list_tasks, show_task
from tests.conftest import EXAMPLES
from tests.integration.execution_shop import ALICE_EMAIL, build, company_engine
from tests.integration.test_requests import Collecting
from tests.unit.datasets import OKASIO
from tests.unit.execution import shop_dataset

PAPER = ManualSource(name="paper-archives", description="Bons de commande papier archivés à Lyon",
                     activities=[], rights=["access", "erasure"], due_in="P10D", assignee="entrepôt de Lyon")


@pytest.fixture
def outbox():
    return Collecting()


@pytest.fixture
def company(tmp_path):
    engine = company_engine(str(tmp_path / "shop.db"))
    build(engine, tmp_path)
    yield engine
    engine.dispose()


def desk_for(app, outbox, register_file):
    activate_register(app.store, load_register(register_file), "test")
    app.registers.refresh()
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=outbox)


def verified(desk, right, email=ALICE_EMAIL):
    reference = submit_request(desk, right=right, email=email, identify=False).request.reference
    verify_manually(desk, reference, "appel au numéro du compte")
    return reference


def with_manual(*sources):
    return shop_dataset().model_copy(update={"manual": list(sources)})


def run(desk, app, reference, company, tmp_path, dataset=None, **kwargs):
    databases = [CompanyDatabase(dataset or with_manual(PAPER), company, tmp_path)] if company is not None else []
    return run_request(desk, app.registers.get(), reference, databases, tmp_path / "out", **kwargs)


def actions(app):
    with app.engine.connect() as c:
        return list(c.execute(select(audit_events.c.action).order_by(audit_events.c.seq)).scalars())


# --- manual sources ---------------------------------------------------------------------------


def test_a_manual_source_opens_a_task_and_the_request_waits_for_it(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "access")
    outcome = run(desk, app, reference, company, tmp_path)
    [task] = outcome.pending
    assert task.kind is TaskKind.manual_source and task.source == "shop/paper-archives"
    assert task.title == PAPER.description and task.assignee == "entrepôt de Lyon"
    assert task.due_on == date(2026, 2, 10)  # received 31 January + P10D, before the request's 28 February
    assert show_request(desk, reference).request.status is RequestStatus.running
    assert NoticeKind.answered not in [n.kind for n in outbox.sent]
    assert [r.id for r in list_tasks(desk)] == [task.id]


def test_once_its_tasks_are_done_running_again_answers_with_what_people_found(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "access")
    [task] = run(desk, app, reference, company, tmp_path).pending
    close_task(desk, task.id[:8], "Deux bons de commande de 2015 trouvés ; copie jointe.")
    outcome = run(desk, app, reference, company, tmp_path)
    assert outcome.pending == []
    assert show_request(desk, reference).request.status is RequestStatus.answered
    answer = [n for n in outbox.sent if n.kind is NoticeKind.answered][-1].body
    assert "Recherche manuelle (Bons de commande papier archivés à Lyon) : Deux bons de commande de 2015" in answer
    view = show_task(desk, task.id)
    assert view.task.status is TaskStatus.done and view.task.closed_by == "agent:test"
    assert view.outcome.startswith("Deux bons")
    assert {"task.created", "task.done"} <= set(actions(app)) and verify_audit_trail(app.store).intact
    with app.engine.connect() as c:
        payloads = " ".join(c.execute(select(audit_events.c.payload)).scalars())
    assert "Deux bons" not in payloads  # the audit trail holds a digest of the outcome, never its words


def test_running_again_while_a_task_is_open_opens_no_second_task(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "access")
    first = run(desk, app, reference, company, tmp_path).pending
    second = run(desk, app, reference, company, tmp_path).pending
    assert [t.id for t in first] == [t.id for t in second]
    assert actions(app).count("task.created") == 1


def test_a_manual_task_is_never_due_after_the_request(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "erasure")
    slow = PAPER.model_copy(update={"due_in": "P3M"})
    [task] = run(desk, app, reference, company, tmp_path, dataset=with_manual(slow)).pending
    assert task.due_on == date(2026, 2, 28)


def test_a_manual_source_for_other_rights_opens_no_task_and_the_request_is_answered(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "portability")
    assert run(desk, app, reference, company, tmp_path).pending == []
    assert show_request(desk, reference).request.status is RequestStatus.answered


def test_a_cancelled_task_ends_the_wait_without_an_answer_line(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "access")
    [task] = run(desk, app, reference, company, tmp_path).pending
    close_task(desk, task.id, "les archives de Lyon ont été détruites en 2020", cancel=True)
    with pytest.raises(ConflictError, match="already cancelled"):
        close_task(desk, task.id, "encore")
    run(desk, app, reference, company, tmp_path)
    answer = [n for n in outbox.sent if n.kind is NoticeKind.answered][-1].body
    assert "Recherche manuelle" not in answer


def test_an_overdue_task_is_listed_as_overdue(app, outbox, company, tmp_path, clock):
    desk = desk_for(app, outbox, OKASIO)
    run(desk, app, verified(desk, "access"), company, tmp_path)
    clock.advance(timedelta(days=11))
    [row] = list_tasks(desk, overdue_only=True)
    assert row.overdue and row.due_on == date(2026, 2, 10)


def test_a_task_id_that_is_unknown_or_too_short_is_refused(app, outbox):
    desk = desk_for(app, outbox, OKASIO)
    with pytest.raises(NotFoundError, match="no task 'abcdef12'"):
        close_task(desk, "abcdef12", "fait")
    with pytest.raises(InvalidInputError, match="too short"):
        show_task(desk, "ab")


# --- human review of an automated decision (art. 22(3)) -------------------------------------------


def test_a_human_review_opens_a_task_naming_the_automated_decision_due_with_the_request(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "human_review")
    [task] = run(desk, app, reference, None, tmp_path).pending
    assert task.kind is TaskKind.human_review and task.source == "fraud-transaction-decline"
    assert "suspicious" in task.title and "fraud-transaction-decline" in task.instructions
    assert task.due_on == date(2026, 2, 28)
    assert show_request(desk, reference).request.status is RequestStatus.running
    with pytest.raises(ConflictError, match="egide request review"):
        close_task(desk, task.id, "vu")


def test_the_reviewers_outcome_and_reasons_are_the_answer_sent_to_the_person(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "human_review")
    [task] = run(desk, app, reference, None, tmp_path).pending
    with pytest.raises(InvalidInputError, match="upheld or changed"):
        record_review(desk, reference, "maybe", "raisons")
    with pytest.raises(InvalidInputError, match="reasons is required"):
        record_review(desk, reference, "changed", " ")
    change = record_review(desk, reference, "changed", "La transaction correspond à vos habitudes : elle est acceptée.")
    assert change.request.status is RequestStatus.answered
    answer = [n for n in outbox.sent if n.kind is NoticeKind.answered][-1].body
    assert "décision automatisée est modifiée" in answer and "elle est acceptée" in answer
    assert show_task(desk, task.id).task.decision == "changed"
    with pytest.raises(ConflictError):  # the request is answered: nothing more to record
        record_review(desk, reference, "upheld", "encore")


# --- objection to a legitimate-interest purpose (art. 21(1)) ---------------------------------------

PROFILING = "personalize.profiling"  # seed 000: on legitimate interests


def _decision(app, purpose):
    app.decisions.invalidate()
    return app.decisions.decide(Identifier.of("email", ALICE_EMAIL), purpose).decision


def test_an_objection_is_honoured_while_the_dpo_assesses_it(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    assert _decision(app, PROFILING).allowed
    reference = verified(desk, "objection")
    [task] = run(desk, app, reference, None, tmp_path, purposes=[PROFILING]).pending
    assert task.kind is TaskKind.objection and task.source == PROFILING and task.assignee == "dpo"
    decision = _decision(app, PROFILING)
    assert not decision.allowed and decision.rule == "objection"


def test_the_dpo_overrides_an_objection_with_grounds_and_the_decision_point_allows_again(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "objection")
    run(desk, app, reference, None, tmp_path, purposes=[PROFILING])
    with pytest.raises(InvalidInputError, match="grounds is required"):
        decide_objection(desk, reference, uphold=False, grounds="")
    change = decide_objection(desk, reference, uphold=False, grounds="Prévention de la fraude sur les comptes.")
    assert change.request.status is RequestStatus.answered
    assert _decision(app, PROFILING).allowed
    with app.engine.connect() as c:
        row = c.execute(select(objections)).one()
    assert row.status == "overridden" and row.grounds.startswith("Prévention") and row.decided_by == "agent:test"
    answer = [n for n in outbox.sent if n.kind is NoticeKind.answered][-1].body
    assert "motifs légitimes et impérieux" in answer and "Prévention de la fraude" in answer
    assert "réclamation auprès de l'autorité de contrôle" in answer
    assert "objection.overridden" in actions(app)


def test_the_dpo_upholds_an_objection_and_processing_stays_stopped(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "objection")
    run(desk, app, reference, None, tmp_path, purposes=[PROFILING])
    decide_objection(desk, reference, uphold=True)
    assert not _decision(app, PROFILING).allowed
    with app.engine.connect() as c:
        row = c.execute(select(objections)).one()
    assert row.status == "upheld" and row.decided_at is not None
    assert "objection.upheld" in actions(app)


def test_a_marketing_objection_stays_honoured_at_once_without_a_dpo_task(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "objection")
    outcome = run(desk, app, reference, None, tmp_path, purposes=["marketing.advertising.first_party.targeted"])
    assert outcome.pending == [] and show_request(desk, reference).request.status is RequestStatus.answered
    decision = _decision(app, "marketing.advertising.first_party.targeted")
    assert not decision.allowed and decision.rule == "opposition_list"


def test_an_objection_to_a_purpose_not_on_legitimate_interests_is_refused_and_changes_nothing(app, outbox, tmp_path):
    desk = desk_for(app, outbox, EXAMPLES / "000-crossops.yaml")
    reference = verified(desk, "objection")
    with pytest.raises(InvalidInputError) as caught:
        run(desk, app, reference, None, tmp_path, purposes=["essential.service"])
    assert "processed on contract" in str(caught.value) and PROFILING in str(caught.value)
    assert show_request(desk, reference).request.status is RequestStatus.verified
    with app.engine.connect() as c:
        assert c.execute(select(objections)).all() == []


def test_an_erasure_waiting_for_its_archives_answers_with_what_the_first_run_erased_and_kept(app, outbox, company,
                                                                                            tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "erasure")
    first = run(desk, app, reference, company, tmp_path)
    assert len(first.pending) == 1 and NoticeKind.answered not in [n.kind for n in outbox.sent]
    close_task(desk, first.pending[0].id, "Trois bons de commande détruits ; les factures papier sont gardées.")
    second = run(desk, app, reference, company, tmp_path)
    assert second.pending == [] and second.answer.count("\n") >= 2
    answer = [n for n in outbox.sent if n.kind is NoticeKind.answered][-1].body
    assert "invoices" in answer and "L123-22" in answer  # what the first run kept, and why
    assert "Trois bons de commande détruits" in answer


def test_a_restriction_waiting_for_its_archives_restricts_the_person_once(app, outbox, company, tmp_path):
    from egide.adapters.store.tables import restrictions

    desk = desk_for(app, outbox, OKASIO)
    reference = verified(desk, "restriction")
    archives = PAPER.model_copy(update={"rights": ["restriction"]})
    [task] = run(desk, app, reference, company, tmp_path, dataset=with_manual(archives)).pending
    close_task(desk, task.id, "Dossier papier marqué « limité ».")
    assert run(desk, app, reference, company, tmp_path, dataset=with_manual(archives)).pending == []
    with app.engine.connect() as c:
        assert len(c.execute(select(restrictions)).all()) == 1
    assert actions(app).count("restriction.started") == 1
