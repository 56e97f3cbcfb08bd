import pytest

from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier, IdentifierKind


def test_normalises_email_case_and_spaces():
    assert Identifier.of("email", "  Jean.Dupont@Example.COM ").value == "jean.dupont@example.com"


@pytest.mark.parametrize("raw", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"])
def test_normalises_french_phone_numbers_to_one_form(raw):
    assert Identifier.of("phone", raw).value == "+33612345678"


@pytest.mark.parametrize("kind,raw", [("email", "not-an-email"), ("phone", "abc"), ("email", ""), ("fax", "1")])
def test_refuses_malformed_identifiers_with_a_clear_error(kind, raw):
    with pytest.raises(InvalidInputError):
        Identifier.of(kind, raw)


def test_masks_identifiers_for_printing():
    assert Identifier(IdentifierKind.email, "jean@example.com").masked() == "j***@example.com"
