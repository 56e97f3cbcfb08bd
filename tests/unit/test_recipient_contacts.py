"""A recipient's contact (register `recipients[].contact`) must be usable for art. 19 notices."""

from __future__ import annotations

import pytest

from egide.domain.errors import InvalidInputError
from egide.register.loader import load_register
from egide.register.model import Register
from egide.services.recipients import check_contacts, plan_notices
from tests.conftest import dump_yaml


def with_contact(clean_register, contact):
    clean_register["recipients"][0]["contact"] = contact
    return clean_register


def test_a_register_with_a_phone_number_as_contact_is_refused_at_its_line(clean_register, tmp_path):
    path = dump_yaml(with_contact(clean_register, "+33 1 23 45 67 89"), tmp_path / "r.yaml")
    with pytest.raises(InvalidInputError) as raised:
        load_register(path)
    [problem] = raised.value.problems
    assert problem.path == "recipients[0].contact" and "neither an email address nor an http(s) URL" in problem.message
    assert "+33 1 23 45 67 89" in path.read_text().splitlines()[problem.line - 1]


@pytest.mark.parametrize("contact", ["dpo@hosting.example.com", "https://hosting.example.com/art19"])
def test_an_email_or_a_webhook_contact_is_accepted(clean_register, tmp_path, contact):
    assert load_register(dump_yaml(with_contact(clean_register, contact), tmp_path / "r.yaml")).register


def test_a_stored_register_with_a_bad_contact_still_stops_a_request_before_it_runs(clean_register):
    register = Register.model_validate(with_contact(clean_register, "ftp://hosting.example.com"))
    with pytest.raises(InvalidInputError, match="cannot be used for art. 19") as raised:
        check_contacts(register)
    assert raised.value.problems[0].path == "recipients[0].contact"


def test_the_controllers_own_teams_are_not_written_to(clean_register):
    clean_register["recipients"].append({"key": "support-team", "name": "Support", "kind": "internal"})
    activity = clean_register["activities"][0]
    activity["recipients"] = [*activity.get("recipients", []), "support-team"]
    register = Register.model_validate(clean_register)
    planned = plan_notices(register, [activity["key"]])
    assert [(p.recipient.key, p.channel.value, p.activities) for p in planned] == [("hosting", "none", ("customers",))]
