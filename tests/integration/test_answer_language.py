"""The answer is written in the request's language: a request made in English is answered in
English, line by line, and one made in French in French (the words' table is complete in both)."""

from __future__ import annotations

import string

import pytest

from egide.services.answer_words import WORDS, say
from egide.services.request_identity import verify_manually
from egide.services.requests import show_request, submit_request
from tests.conftest import EXAMPLES
from tests.integration.execution_shop import ALICE_EMAIL
from tests.integration.test_request_tasks import company, desk_for, outbox, run  # noqa: F401 (fixtures)
from tests.unit.execution import shop_dataset


def _answered(app, outbox, company, tmp_path, right, language, **kwargs):  # noqa: F811
    desk = desk_for(app, outbox, EXAMPLES / "002-okasio.yaml")
    reference = submit_request(desk, right=right, email=ALICE_EMAIL, identify=False, language=language).request.reference
    verify_manually(desk, reference, "call to the account's number")
    run(desk, app, reference, company, tmp_path, dataset=shop_dataset(), **kwargs)
    return show_request(desk, reference)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_access_request_made_in_english_is_answered_in_english(app, outbox, company, tmp_path):  # noqa: F811
    view = _answered(app, outbox, company, tmp_path, "access", "en")
    assert view.result.startswith("A copy of your data: ") and "élément" not in view.result


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_erasure_made_in_french_is_answered_in_french(app, outbox, company, tmp_path):  # noqa: F811
    view = _answered(app, outbox, company, tmp_path, "erasure", "fr")
    assert say("erasure.suppression", "fr") in view.result and "Your identifiers" not in view.result


def test_every_line_exists_in_both_languages_with_the_same_blanks():
    assert WORDS["fr"].keys() == WORDS["en"].keys()
    for key in WORDS["fr"]:
        blanks = [{f for _, f, _, _ in string.Formatter().parse(WORDS[lang][key]) if f} for lang in ("fr", "en")]
        assert blanks[0] == blanks[1], key
