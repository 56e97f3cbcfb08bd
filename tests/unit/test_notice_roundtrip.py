"""Round trip: the notice rendered from a register, imported back, gives that register's items.

The importer reads Egide's notice as it reads any well-structured policy (headings, lists
announced by a lead-in, labelled lines, retention tables), with the render's own words read
back (a category's label gives its key). The register's custom taxonomy is passed as a company
would pass its own: a key fideslang lacks ("user.financial.credit_score") is shown by the name the
register gives it, and only that register knows the key behind the name.
"""

from __future__ import annotations

import pytest

from egide.notice.importer import draft_from_text
from egide.notice.importer.fidelity import compare, prf
from egide.notice.render import render_notice
from egide.register.loader import load_register
from egide.register.model import Register
from tests.conftest import EXAMPLES

REGISTERS = sorted(EXAMPLES.glob("*.yaml"))
CHECKED = ["categories_full", "purposes", "retention_exact", "recipients", "transfer_countries"]


def imported_back(register: Register, fmt: str) -> Register:
    notice = render_notice(register, "fr", fmt)
    draft = draft_from_text(notice, f"notice.{fmt}", taxonomy=register.taxonomy)
    assert draft.dropped == []
    return Register.model_validate(draft.register)


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
@pytest.mark.parametrize("path", REGISTERS, ids=[p.stem for p in REGISTERS])
def test_importing_the_rendered_notice_gives_back_the_register_items(path, fmt):
    register = load_register(path).register
    scores = compare(register, imported_back(register, fmt))
    f1 = {field: round(prf(*scores[field])[2], 3) for field in CHECKED}
    assert all(value >= 0.95 for value in f1.values()), f"{path.name} ({fmt}): {f1} from {scores}"


def test_a_custom_key_comes_back_only_when_its_register_taxonomy_is_given():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    notice = render_notice(register, "fr", "md")
    with_taxonomy = Register.model_validate(draft_from_text(notice, taxonomy=register.taxonomy).register)
    without = Register.model_validate(draft_from_text(notice).register)
    assert "finance.credit_assessment" in {p.use for a in with_taxonomy.activities for p in a.purposes}
    assert {e.key for e in with_taxonomy.taxonomy.data_uses} >= {"finance.credit_assessment"}
    assert "finance.credit_assessment" not in {p.use for a in without.activities for p in a.purposes}


def test_the_retention_of_the_notice_comes_back_with_its_clock_and_archive():
    register = load_register(EXAMPLES / "002-okasio.yaml").register
    draft = imported_back(register, "txt")
    card = next(r for r in draft.retention if r.archive_for)
    assert (card.duration, card.clock.value, card.archive_for) == ("P0D", "transaction_date", "P13M")
