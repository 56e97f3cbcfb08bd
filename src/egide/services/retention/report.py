"""The proof of a retention run: its summary in Egide's store (with the audit event closing the
run), and a report written as JSON (for machines) and HTML (for the DPO): rules applied, counts
per table and action, holds respected, log directories, duration, the longest batch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from egide.domain.audit import AuditEvent


def finish_run(store: Any, run: Any, report_dir: Path | None, actor: str) -> None:
    """Close the run in the store (summary and audit event together), then write the report files."""
    summary = run.summary()
    with store.unit_of_work() as uow:
        uow.retention.finish_run(run.id, store.clock.now(), summary)
        uow.audit.record(AuditEvent("retention.run_finished", actor, "retention_run", run.id, {
            "batches": run.batches, "rows": sum(c["rows"] for c in summary["counts"]),
            "held": sum(c["held"] for c in summary["counts"]), "resumed": run.resumed}))
    if report_dir is not None:
        run.reports = write_report(report_dir, summary)


def write_report(directory: Path, summary: dict[str, Any]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{summary['run']}.json"
    html_path = directory / f"{summary['run']}.html"
    json_path.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str), encoding="utf-8")
    html_path.write_text(_template().render(s=summary), encoding="utf-8")
    return [json_path, html_path]


def list_runs(store: Any, limit: int = 50) -> list[dict[str, Any]]:
    """Past runs, newest first: id, instant, status, start and end, totals."""
    with store.unit_of_work(read_only=True) as uow:
        return uow.retention.runs(limit)


def load_run(store: Any, run_id: str) -> dict[str, Any]:
    """One run with its summary and its batches (NotFoundError for an unknown id)."""
    with store.unit_of_work(read_only=True) as uow:
        run = uow.retention.run(run_id)
        run["batches"] = uow.retention.batches(run_id)
    return run


@lru_cache(maxsize=1)
def _template():  # type: ignore[no-untyped-def]
    environment = Environment(loader=PackageLoader("egide.services.retention", "templates"),
                              autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined)
    return environment.get_template("report.html.j2")
