"""`egide dataset check` without a database: the file against itself and against the register,
then against a described database and log files."""

from __future__ import annotations

from pathlib import Path

import pytest

from egide.datasets.check import check_dataset
from egide.datasets.database import (
    ColumnInfo,
    DatabaseInfo,
    ForeignKeyInfo,
    TableInfo,
    TypeKind,
)
from egide.datasets.loader import load_dataset
from egide.register.lint import Severity
from egide.register.loader import load_register
from egide.register.model import Register
from tests.unit.datasets import OKASIO, SHOP_DATASET, line_of, load_dict, small


@pytest.fixture
def register(clean_register) -> Register:
    return Register.model_validate(clean_register)


def rules(findings, severity=None):
    return [f.rule for f in findings if severity is None or f.severity is severity]


def test_a_small_dataset_holds_against_the_clean_register(tmp_path, register):
    assert check_dataset(load_dict(small(), tmp_path), register) == []


def test_the_example_shop_against_seed_002_has_two_true_warnings_and_no_error():
    findings = check_dataset(load_dataset(SHOP_DATASET), load_register(OKASIO).register, log_root=Path("/nonexistent"))
    assert rules(findings, Severity.error) == []
    warnings = [f for f in findings if f.severity is Severity.warning]
    # proof-of-contract keeps names and addresses ten years from a transaction: the customers
    # table holds names too, but no transaction date: true, the register cannot say "invoices only".
    assert [f.rule for f in warnings] == ["retention.no_clock", "category.undeclared", "category.undeclared",
                                          "logs.no_file"]
    assert "customers.birth_date holds user.demographic.date_of_birth" in warnings[1].message
    assert "call_recordings.caller_phone holds user.contact.phone_number" in warnings[2].message
    assert "user.demographic.date_of_birth" in line_of(SHOP_DATASET, warnings[1].line)


def test_an_unknown_activity_is_an_error_with_a_suggestion(tmp_path, register):
    data = small()
    data["tables"][0]["activities"] = ["customer"]
    path_findings = check_dataset(load_dict(data, tmp_path), register)
    [finding] = [f for f in path_findings if f.rule == "activity.unknown"]
    assert finding.severity is Severity.error and finding.hint == "did you mean 'customers'?"
    assert "customer" in line_of(tmp_path / "dataset.yaml", finding.line)


def test_a_table_linked_to_a_person_must_serve_an_activity(tmp_path, register):
    data = small()
    data["tables"][1]["activities"] = []
    data["tables"][1]["columns"].pop()  # orders now hold only keys, but still reach the person
    [finding] = check_dataset(load_dict(data, tmp_path), register)
    assert finding.rule == "activity.none" and "table 'orders' serves no activity" in finding.message


def test_an_unknown_category_is_an_error_and_a_custom_key_of_the_register_is_known(tmp_path, register, clean_register):
    data = small()
    data["tables"][0]["columns"][1]["data_categories"] = ["user.contact.emial"]
    [finding] = check_dataset(load_dict(data, tmp_path), register)
    assert finding.rule == "taxonomy.unknown" and "'user.contact.email'" in finding.hint
    clean_register["taxonomy"] = {"data_categories": [{"key": "user.contact.email.work", "parent": "user.contact.email"}]}
    data["tables"][0]["columns"][1]["data_categories"] = ["user.contact.email.work"]
    assert check_dataset(load_dict(data, tmp_path), Register.model_validate(clean_register)) == []


def test_a_category_the_activity_does_not_declare_is_a_warning_and_a_narrower_one_is_fine(tmp_path, register):
    data = small()
    data["tables"][1]["columns"][2]["data_categories"] = ["user.name.first"]  # the register declares user.name
    data["tables"][1]["columns"].append({"name": "phone", "data_categories": ["user.contact.phone_number"]})
    [finding] = check_dataset(load_dict(data, tmp_path), register)
    assert finding.rule == "category.undeclared" and finding.severity is Severity.warning
    assert "orders.phone holds user.contact.phone_number" in finding.message


def test_a_column_holding_what_the_register_says_is_never_stored_is_an_error(tmp_path):
    register = load_register(OKASIO).register
    data = {"name": "pay", "tables": [{"name": "cards", "activities": ["payment"], "primary_key": ["id"], "columns": [
        {"name": "id", "identity": "customer_id"},
        {"name": "cvv", "data_categories": ["user.financial.credit_card.security_code"]}]}]}
    errors = [f for f in check_dataset(load_dict(data, tmp_path), register) if f.severity is Severity.error]
    assert rules(errors) == ["category.not_stored"]
    assert "the register says is never stored" in errors[0].message


def test_a_retention_rule_whose_clock_no_column_starts_is_a_warning(tmp_path, register):
    data = small()
    data["tables"][0]["columns"][3]["clocks"] = ["account_deletion"]
    findings = check_dataset(load_dict(data, tmp_path), register)
    assert rules(findings) == ["retention.no_clock", "retention.no_clock"]  # customers, and orders through them
    assert "'customers-5y' starts on contract_end" in findings[0].message


def test_a_clock_on_the_parent_serves_the_child(tmp_path, register):
    data = small()
    assert "contract_end" not in str(data["tables"][1])
    assert rules(check_dataset(load_dict(data, tmp_path), register)) == []


def test_a_personal_table_without_a_path_to_an_identity_is_an_error(tmp_path):
    data = small()
    data["tables"][1]["columns"][1].pop("references")
    [finding] = check_dataset(load_dict(data, tmp_path))
    assert finding.rule == "identity.unreachable" and "'orders'" in finding.message
    assert "orders" in line_of(tmp_path / "dataset.yaml", finding.line)


def test_a_dataset_with_no_identity_column_says_so_once(tmp_path):
    data = small()
    for column in data["tables"][0]["columns"]:
        column.pop("identity", None)
    assert rules(check_dataset(load_dict(data, tmp_path))) == ["identity.none"]


def test_references_that_loop_are_a_warning(tmp_path):
    data = small()
    data["tables"][0]["columns"].append({"name": "referrer_id", "references": "customers.id"})
    [finding] = check_dataset(load_dict(data, tmp_path))
    assert finding.rule == "references.cycle" and "customers -> customers" in finding.message


# --- against a described database -------------------------------------------------------------


def column(name: str, kind: TypeKind = TypeKind.integer, type_name: str = "INTEGER") -> ColumnInfo:
    return ColumnInfo(name, kind, type_name)


def shop_database(**changes) -> DatabaseInfo:
    customers = TableInfo("customers", {c.name: c for c in [
        column("id"), column("email", TypeKind.string, "VARCHAR(254)"),
        column("created_at", TypeKind.datetime, "DATETIME"), column("closed_at", TypeKind.datetime, "DATETIME")]},
        ("id",))
    orders = TableInfo("orders", {c.name: c for c in [
        column("id"), column("customer_id"), column("shipping_name", TypeKind.string, "TEXT")]}, ("id",),
        (ForeignKeyInfo(("customer_id",), "customers", ("id",)),))
    tables = {"customers": customers, "orders": orders, **changes}
    return DatabaseInfo("sqlite:///shop.db", "sqlite", {k: v for k, v in tables.items() if v is not None})


def test_a_dataset_that_matches_its_database_has_no_finding(tmp_path):
    assert check_dataset(load_dict(small(), tmp_path), database=shop_database()) == []


def test_a_missing_table_and_a_missing_column_are_errors_with_suggestions(tmp_path):
    data = small()
    data["tables"][1]["name"] = "order"
    data["tables"][0]["columns"][1]["name"] = "mail"
    data["tables"][1]["columns"][1]["references"] = "customers.id"
    findings = check_dataset(load_dict(data, tmp_path), database=shop_database())
    errors = {f.rule: f for f in findings if f.severity is Severity.error}
    assert errors["database.table_missing"].hint == "did you mean 'orders'?"
    assert errors["database.column_missing"].message == "column customers.mail is not in the database"
    assert "not annotated: orders" in next(f.message for f in findings if f.rule == "database.table_not_annotated")


@pytest.mark.parametrize("kind,type_name,severity", [
    (TypeKind.integer, "INTEGER", Severity.error),
    (TypeKind.string, "TEXT", Severity.warning),
    (TypeKind.date, "DATE", None),
])
def test_a_clock_column_must_be_a_date(tmp_path, kind, type_name, severity):
    customers = shop_database().tables["customers"]
    changed = TableInfo("customers", {**customers.columns, "closed_at": column("closed_at", kind, type_name)},
                        customers.primary_key)
    findings = check_dataset(load_dict(small(), tmp_path), database=shop_database(customers=changed))
    assert [f.severity for f in findings if f.rule == "database.clock_type"] == ([severity] if severity else [])


def test_a_foreign_key_the_file_does_not_declare_is_a_warning(tmp_path):
    data = small()
    data["tables"][1]["columns"][1] = {"name": "customer_id", "references": "customers.id"}
    data["tables"][1]["columns"].append({"name": "buyer_id", "references": "customers.id"})
    orders = shop_database().tables["orders"]
    changed = TableInfo("orders", {**orders.columns, "buyer_id": column("buyer_id")}, ("id",),
                        (ForeignKeyInfo(("customer_id",), "customers", ("id",)),
                         ForeignKeyInfo(("buyer_id",), "customers", ("id",))))
    assert check_dataset(load_dict(data, tmp_path), database=shop_database(orders=changed)) == []
    data["tables"][1]["columns"].pop()
    findings = check_dataset(load_dict(data, tmp_path), database=shop_database(orders=changed))
    assert rules(findings) == ["database.foreign_key_undeclared", "database.column_not_annotated"]
    assert "orders.buyer_id -> customers.id is not declared" in findings[0].message


def test_a_reference_written_backwards_is_a_warning(tmp_path):
    data = small()
    data["tables"][1]["columns"][1].pop("references")
    data["tables"][0]["columns"][0]["references"] = "orders.customer_id"
    findings = check_dataset(load_dict(data, tmp_path), database=shop_database())
    assert "database.reference_backwards" in rules(findings)
    assert "database.foreign_key_undeclared" in rules(findings)


def test_no_primary_key_anywhere_is_a_warning(tmp_path):
    data = small()
    data["tables"][1].pop("primary_key")
    orders = shop_database().tables["orders"]
    changed = TableInfo("orders", orders.columns, (), orders.foreign_keys)
    findings = check_dataset(load_dict(data, tmp_path), database=shop_database(orders=changed))
    assert rules(findings) == ["database.no_primary_key"]


# --- log directories -----------------------------------------------------------------------


LOG_LINE = '203.0.113.9 - - [30/Jan/2026:10:00:00 +0000] "GET /api/customers/42/orders HTTP/1.1" 200 10 "-" "x"'


def with_logs(tmp_path, lines, fmt="%d/%b/%Y:%H:%M:%S %z"):
    (tmp_path / "logs").mkdir(exist_ok=True)
    (tmp_path / "logs" / "access-2026-01-30.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = small()
    data["log_directories"] = [{"name": "web", "path": "logs/access-*.log", "timestamp": {
        "pattern": r"\[(?P<timestamp>[^\]]+)\]", "format": fmt},
        "identifiers": [{"kind": "customer_id", "pattern": r"/customers/(?P<value>\d+)"}]}]
    return load_dict(data, tmp_path)


def test_log_lines_that_date_and_name_people_are_a_note(tmp_path):
    [finding] = check_dataset(with_logs(tmp_path, [LOG_LINE, LOG_LINE.replace("/api/customers/42/orders", "/")]))
    assert finding.rule == "logs.ok" and "2 of 2 sampled lines dated, 1 naming a person" in finding.message


def test_a_wrong_timestamp_format_is_an_error_naming_the_line(tmp_path):
    [finding] = check_dataset(with_logs(tmp_path, [LOG_LINE], fmt="%Y-%m-%d %H:%M:%S"))
    assert finding.rule == "logs.timestamp_format" and "line 1" in finding.message


def test_lines_the_timestamp_pattern_misses_are_an_error(tmp_path):
    findings = check_dataset(with_logs(tmp_path, ["no time here", "nor here"]))
    assert rules(findings) == ["logs.timestamp_unmatched", "logs.identifier_unmatched"]


def test_a_glob_that_matches_nothing_is_a_warning(tmp_path):
    loaded = with_logs(tmp_path, [LOG_LINE])
    [finding] = check_dataset(loaded, log_root=tmp_path / "elsewhere")
    assert finding.rule == "logs.no_file" and finding.severity is Severity.warning


def test_every_rule_of_the_check_is_documented():
    import re

    from tests.conftest import ROOT

    sources = "".join((ROOT / "src" / "egide" / "datasets" / name).read_text(encoding="utf-8")
                      for name in ("check.py", "live.py"))
    rule_ids = set(re.findall(r'Hit\(\s*"([a-z_.]+)"', sources)) | {"fides.not_imported"}
    doc = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
    assert len(rule_ids) > 20
    assert sorted(r for r in rule_ids if f"`{r}`" not in doc) == []
