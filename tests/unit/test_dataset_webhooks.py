"""A dataset's webhook connectors: the file format and `egide dataset check`."""

from __future__ import annotations

import pytest

from egide.datasets.check import check_dataset
from egide.domain.errors import InvalidInputError
from egide.register.lint import Severity
from egide.register.model import Register
from tests.unit.datasets import load_dict, small

SECRET = "0123456789abcdef0123456789abcdef"


def with_webhook(**given):
    data = small()
    data["webhooks"] = [{"name": "mailer", "url": "https://mailer.example.com/egide", "secret_env": "MAILER_SECRET",
                         "activities": ["customers"], "rights": ["erasure", "access"], **given}]
    return data


@pytest.fixture
def register(clean_register) -> Register:
    return Register.model_validate(clean_register)


def test_a_webhook_connector_is_read_with_its_rights_and_the_identifiers_it_needs(tmp_path):
    dataset = load_dict(with_webhook(), tmp_path).dataset
    [hook] = dataset.webhooks
    assert [r.value for r in hook.rights] == ["erasure", "access"] and [k.value for k in hook.identifiers] == ["email"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "ftp://mailer.example.com/in", "not an http(s) URL"),
    ("rights", ["erase"], "'erase' is not allowed"),
    ("secret_env", "mailer-secret", "string_pattern_mismatch|should match pattern"),
])
def test_a_bad_webhook_is_placed_at_its_line(tmp_path, field, value, message):
    with pytest.raises(InvalidInputError) as raised:
        load_dict(with_webhook(**{field: value}), tmp_path)
    [problem] = raised.value.problems
    assert problem.path.startswith(f"webhooks[0].{field}") and problem.line is not None
    assert any(part in problem.message for part in message.split("|"))


def test_check_reports_a_secret_that_is_not_set(tmp_path, register):
    findings = check_dataset(load_dict(with_webhook(), tmp_path), register, environ={})
    [finding] = [f for f in findings if f.rule == "webhook.secret_missing"]
    assert finding.severity is Severity.error and "MAILER_SECRET is not set" in finding.message
    assert finding.path == "webhooks[0].secret_env" and finding.line is not None


def test_check_accepts_a_webhook_with_its_secret_and_warns_of_plain_http(tmp_path, register):
    assert check_dataset(load_dict(with_webhook(), tmp_path), register, environ={"MAILER_SECRET": SECRET}) == []
    findings = check_dataset(load_dict(with_webhook(url="http://mailer.example.com/egide"), tmp_path), register,
                             environ={"MAILER_SECRET": SECRET})
    assert [f.rule for f in findings] == ["webhook.plain_http"]


def test_check_reports_a_webhook_serving_an_unknown_activity(tmp_path, register):
    findings = check_dataset(load_dict(with_webhook(activities=["mailing"]), tmp_path), register,
                             environ={"MAILER_SECRET": SECRET})
    assert [(f.rule, f.path) for f in findings] == [("activity.unknown", "webhooks[0].activities[0]")]
