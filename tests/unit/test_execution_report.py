"""The written answers: a JSON copy that stays valid JSON, an HTML page that escapes the data, an
erasure answer in words."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

from egide.services.execution.erasure import ErasureResult, KeptRows, TableErasure, describe_erasure
from egide.services.execution.report import HtmlReport, JsonReport


def test_the_json_copy_is_valid_json_with_dates_decimals_and_bytes():
    out = io.StringIO()
    report = JsonReport(out)
    report.start({"found": True})
    report.table_open("orders", {"columns": ["id", "at", "amount", "blob"]})
    report.rows(["id", "at", "amount", "blob"], [(1, datetime(2026, 1, 2, 3, 4), Decimal("12.50"), b"\x00\x01")])
    report.rows(["id", "at", "amount", "blob"], [(2, date(2026, 1, 3), None, None)])
    report.table_close()
    report.logs_open()
    report.finish(logs_opened=True)
    data = json.loads(out.getvalue())
    assert data["tables"]["orders"]["rows"] == [
        {"id": 1, "at": "2026-01-02T03:04:00", "amount": "12.50", "blob": "AAE="},
        {"id": 2, "at": "2026-01-03", "amount": None, "blob": None}]
    assert data["logs"] == {} and data["found"] is True


def test_the_html_page_escapes_what_the_database_holds():
    out = io.StringIO()
    HtmlReport(out, "en").write("rows", [["<script>alert(1)</script>", "O'Brien"]])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.getvalue() and "<script>" not in out.getvalue()


def test_the_erasure_answer_says_what_was_kept_until_when_and_under_which_rule():
    result = ErasureResult("r-1", True, (TableErasure("orders", 1, 2, ("shipping_address",)),),
                           (KeptRows("invoices", 2, "rule", "invoices", "art. 17(3)(b)",
                                     "Code de commerce, art. L123-22", "2036-01-11"),), {}, 2)
    assert describe_erasure(result, "en") == [
        "orders: 1 row(s) deleted, 2 masked",
        "invoices: 2 row(s) kept until 2036-01-11 — register rule “invoices”, Code de commerce, art. L123-22; "
        "art. 17(3)(b) GDPR"]
    assert "conservée(s) jusqu'au 2036-01-11" in describe_erasure(result, "fr")[1]
