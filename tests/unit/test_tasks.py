"""Tasks for people as rules: due dates never after the request's, closing is final; manual sources
in a dataset file are checked like the rest of it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from egide.datasets.check import check_dataset
from egide.datasets.loader import load_dataset
from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError
from egide.domain.tasks import Task, TaskKind, TaskStatus, closing_status, required_text, task_due
from egide.register.lint import Severity
from egide.register.model import Register
from tests.conftest import dump_yaml
from tests.unit.datasets import line_of, load_dict, small

REQUEST_DUE = date(2026, 2, 28)


def task(status=TaskStatus.open, **given):
    return Task(**{"id": "0f3c9a2e-0000-4000-8000-000000000001", "request_id": "r", "reference": "DSR-2026-000001",
                   "kind": TaskKind.manual_source, "source": "shop/paper", "title": "Archives", "instructions": None,
                   "due_on": date(2026, 2, 10), "status": status, "created_at": datetime(2026, 1, 31, 9, 30),
                   **given})


def test_a_task_is_due_its_own_delay_after_today():
    assert task_due(date(2026, 1, 31), Duration.parse("P10D"), REQUEST_DUE) == date(2026, 2, 10)


def test_a_task_is_never_due_after_its_request():
    assert task_due(date(2026, 1, 31), Duration.parse("P2M"), REQUEST_DUE) == REQUEST_DUE
    assert task_due(date(2026, 1, 31), None, REQUEST_DUE) == REQUEST_DUE


def test_a_task_past_its_due_date_is_overdue_only_while_open():
    assert task().overdue(date(2026, 2, 11)) and not task().overdue(date(2026, 2, 10))
    assert not task(TaskStatus.done).overdue(date(2026, 3, 1))


def test_closing_is_final():
    assert closing_status(task()) is TaskStatus.done and closing_status(task(), cancel=True) is TaskStatus.cancelled
    with pytest.raises(ConflictError, match="already done on 2026-02-02"):
        closing_status(task(TaskStatus.done, closed_at=datetime(2026, 2, 2, 10, 0)))


def test_an_outcome_must_say_something():
    assert required_text("  trouvé  ", "outcome", "why") == "trouvé"
    with pytest.raises(InvalidInputError, match="outcome is required"):
        required_text(" \n", "outcome", "why")


def manual(**given):
    data = small()
    data["manual"] = [{"name": "paper", "description": "Archives papier à Lyon", **given}]
    return data


def test_a_manual_source_defaults_to_every_right_and_ten_days(tmp_path):
    [source] = load_dict(manual(), tmp_path).dataset.manual
    assert source.due_in == "P10D" and "erasure" in source.rights and "access" in source.rights


@pytest.mark.parametrize(("given", "message"), [
    ({"rights": ["acess"]}, "unknown right 'acess'"),
    ({"due_in": "10 days"}, "not an ISO 8601 duration"),
    ({"due_in": "P0D"}, "needs some time"),
])
def test_a_bad_manual_source_is_placed_at_its_line(tmp_path, given, message):
    path = dump_yaml(manual(**given), tmp_path / "d.yaml")
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(path)
    [problem] = caught.value.problems
    assert problem.path.startswith("manual[0].") and message in str(problem)
    assert problem.line is not None and list(given)[0] in line_of(path, problem.line)


def test_two_manual_sources_with_one_name_are_refused(tmp_path):
    data = manual()
    data["manual"].append(dict(data["manual"][0]))
    path = dump_yaml(data, tmp_path / "d.yaml")
    with pytest.raises(InvalidInputError, match="paper"):
        load_dataset(path)


def test_a_manual_source_serving_an_unknown_activity_is_an_error(tmp_path, clean_register):
    findings = check_dataset(load_dict(manual(activities=["customer"]), tmp_path),
                             Register.model_validate(clean_register))
    [finding] = [f for f in findings if f.rule == "activity.unknown"]
    assert finding.severity is Severity.error and finding.hint == "did you mean 'customers'?"
