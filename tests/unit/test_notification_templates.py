"""Every notice renders in French and English, with a subject line and the facts the law requires."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from egide.adapters.notifications import NoticeTemplates, long_date
from egide.domain.notices import NoticeKind
from egide.domain.requests import Channel, DataSubjectRequest, RequestPolicy, RequestStatus, Right
from egide.services.request_desk import notice_context

POLICY = RequestPolicy(controller_name="Exemple SAS", authority_name="CNIL", authority_url="https://www.cnil.fr",
                       contact_email="privacy@example.com")
REQUEST = DataSubjectRequest("id", "DSR-2026-000007", "s", Right.access, RequestStatus.received, Channel.form, "fr",
                             datetime(2026, 1, 31, 9, 30), date(2026, 2, 28))


def render(kind, language, **extra):
    return NoticeTemplates().render(kind, language, notice_context(POLICY, REQUEST, **extra))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_notice_renders_with_its_reference_in_the_subject(kind, language):
    subject, body = render(kind, language, code="042917", reason="raison", result="résultat",
                           extension_words="2 mois", ground="excessive", previous_due_on=date(2026, 2, 28))
    assert "DSR-2026-000007" in subject and "\n" not in subject
    assert body.strip().endswith("Exemple SAS")
    assert "{{" not in body and "None" not in body


def test_the_acknowledgement_gives_the_due_date_in_words():
    assert "au plus tard le 28 février 2026" in render(NoticeKind.received, "fr")[1]
    assert "by 28 February 2026 at the latest" in render(NoticeKind.received, "en")[1]


def test_the_code_notice_holds_the_code_and_its_limits():
    body = render(NoticeKind.code, "en", code="042917")[1]
    assert "    042917\n" in body and "15 minutes" in body and "5 times" in body


def test_a_refusal_tells_the_reasons_and_the_right_to_complain_to_the_authority():
    body = render(NoticeKind.refused, "fr", reason="Troisième demande identique ce mois-ci", ground="excessive")[1]
    assert "Troisième demande identique ce mois-ci" in body
    assert "réclamation auprès de l'autorité de contrôle, CNIL (https://www.cnil.fr)" in body
    assert "recours juridictionnel" in body and "art. 12(5)" in body


def test_an_extension_tells_the_new_date_the_old_one_and_the_reasons():
    body = render(NoticeKind.extended, "en", reason="14 systems", extension_words="2 months",
                  previous_due_on=date(2026, 2, 28))[1]
    assert "extend by 2 months" in body and "14 systems" in body and "(instead of 28 February 2026)" in body


def test_the_identity_document_notice_says_the_copy_is_deleted():
    body = render(NoticeKind.identity_document, "fr", reason="adresse différente de celle du compte")[1]
    assert "supprimée dès la vérification faite" in body and "adresse différente" in body


def test_french_dates_say_premier_for_the_first():
    assert long_date(date(2026, 3, 1), "fr") == "1er mars 2026"
