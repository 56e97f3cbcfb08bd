"""The five seed registers: valid, faithful to their texts, and linted for their real gaps."""

from __future__ import annotations

import re
import unicodedata

import pytest

from egide.register.lint import lint_register
from egide.register.loader import load_register
from tests.conftest import EXAMPLES, SEEDS

SEED_FILES = {
    "000-crossops.yaml": "000_a628717f73f97236.txt",
    "001-ozio.yaml": "001_0f88ee1821997bb7.txt",
    "002-okasio.yaml": "002_d07564a4bcc3187e.txt",
    "003-myonlinestore.yaml": "003_81a2f2c3c710de67.txt",
    "004-bureau24.yaml": "004_6a1943ad12662a09.txt",
}

# The gaps each policy text really has (read from the seeds), which the lint must report.
EXPECTED_FINDINGS = {
    "000-crossops.yaml": {"authority.missing", "policy.undated", "legal_obligation.no_reference"},
    "001-ozio.yaml": {"rights.identity_document_always", "cookie.consent_not_explicit", "policy.undated"},
    "002-okasio.yaml": {"statement.contradicted_by_transfer", "transfer.no_safeguard", "cookie.consent_not_explicit",
                        "dpo.missing"},
    "003-myonlinestore.yaml": {"consent.pre_ticked", "dpo.missing"},
    "004-bureau24.yaml": {"automated_decision.no_human_review", "transfer.no_safeguard",
                          "statement.contradicted_by_transfer"},
}
# Findings that would be false for a seed: what its text does state.
ABSENT_FINDINGS = {
    "001-ozio.yaml": {"authority.missing", "card_security_code.retained"},
    "002-okasio.yaml": {"authority.missing", "card_security_code.retained", "rights.deadline_exceeds_law"},
    "003-myonlinestore.yaml": {"authority.missing"},
    "004-bureau24.yaml": {"dpo.missing"},
}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def quotes(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source_quote" and value:
                yield path, value
            else:
                yield from quotes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from quotes(value, f"{path}[{i}]")


@pytest.fixture(scope="module", params=sorted(SEED_FILES))
def seed(request):
    path = EXAMPLES / request.param
    if not path.exists():
        pytest.fail(f"{path} is missing")
    return request.param, load_register(path)


def test_each_seed_register_is_valid(seed):
    name, loaded = seed
    assert loaded.register.activities and loaded.register.retention


def test_every_retention_rule_recipient_transfer_and_statement_cites_its_text(seed):
    name, loaded = seed
    r = loaded.register
    items = list(r.retention) + list(r.recipients) + list(r.statements) + list(r.cookies)
    items += [t for _, t in r.all_transfers()] + [d for a in r.activities for d in a.automated_decisions]
    missing = [getattr(i, "key", None) or getattr(i, "name", None) or str(i) for i in items if not i.source_quote]
    assert missing == []


def test_every_quote_is_verbatim_from_the_seed_text(seed):
    name, loaded = seed
    source = SEEDS / SEED_FILES[name]
    if not source.exists():
        pytest.skip(f"{source} is not beside this checkout")
    text = normalise(source.read_text(encoding="utf-8"))
    not_found = [(path, quote[:60]) for path, quote in quotes(loaded.register.model_dump(mode="json"))
                 if normalise(quote) not in text]
    assert not_found == []


def test_the_lint_reports_each_seeds_real_gaps(seed):
    name, loaded = seed
    found = {f.rule for f in lint_register(loaded)}
    assert EXPECTED_FINDINGS[name] <= found
    assert not (ABSENT_FINDINGS.get(name, set()) & found)


def test_seed_002_keeps_card_proof_13_months_after_debit_and_never_the_cvv():
    r = load_register(EXAMPLES / "002-okasio.yaml").register
    card_rules = [x for x in r.retention if x.clock and x.clock.value == "transaction_date"]
    assert any("P13M" in (x.duration, x.archive_for) for x in card_rules)
    stored_cvv = [c for a in r.activities for c in a.data_categories
                  if c.key.endswith(("security_code", "cvv")) and c.stored]
    assert stored_cvv == []


def test_seed_004_keeps_logs_14_days_unless_a_security_incident_is_open():
    r = load_register(EXAMPLES / "004-bureau24.yaml").register
    assert any(x.duration == "P14D" for x in r.retention)
    assert any(x.while_open and x.while_open.value == "security_incident" for x in r.retention)
