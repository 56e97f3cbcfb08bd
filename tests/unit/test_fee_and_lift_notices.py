"""The fee and restriction-lifting notices say what the law asks, in English and French."""

from __future__ import annotations

from datetime import date

from egide.domain.fees import format_amount
from egide.domain.notices import NoticeKind
from tests.unit.test_notification_templates import render


def test_the_fee_notice_gives_the_amount_the_choice_to_withdraw_and_the_right_to_complain():
    body = render(NoticeKind.fee, "en", fee_amount=format_amount(1250, "en"), fee_currency="EUR",
                  reason="Postage of a fourth paper copy", ground="excessive")[1]
    assert "    12.50 EUR\n" in body and "Postage of a fourth paper copy" in body
    assert "withdraw your request and pay nothing" in body and "suspended" in body
    assert "complaint with the supervisory authority, CNIL (https://www.cnil.fr)" in body
    assert "art. 12(5)(a)" in body and "excessive" in body


def test_the_fee_amount_is_written_the_french_way_in_french():
    body = render(NoticeKind.fee, "fr", fee_amount=format_amount(1500, "fr"), fee_currency="EUR",
                  reason="coûts", ground="manifestly_unfounded")[1]
    assert "    15,00 EUR\n" in body and "manifestement infondée" in body


def test_the_lifting_notice_gives_the_day_before_it_happens():
    body = render(NoticeKind.restriction_lifting, "en", lift_on=date(2026, 3, 15), reason="Accuracy verified",
                  purposes="marketing.communications.email")[1]
    assert "will be lifted on 15 March 2026" in body and "Accuracy verified" in body
    assert "art. 18(3)" in body and "for: marketing.communications.email" in body
