"""How `egide retention` prints plans, runs, reports and holds, and its progress bar."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer


def print_plan(plan: Any) -> None:
    typer.echo(f"Retention plan at {plan.at.isoformat()} (nothing changed)")
    for key, table in plan.deciding.items():
        typer.echo(f"  {key}: decided by {table['rule']} ({table['action']})")
        for rule in table["rules"]:
            typer.echo(f"      {rule}")
        for rule in table["undated"]:
            typer.echo(f"      {rule}: cannot date the rows, keeps them")
    typer.echo("")
    typer.echo(f"  {'table':<28} {'action':<18} {'rule':<28} {'rows':>8} {'held':>6}  examples")
    for c in plan.counts:
        typer.echo(f"  {c.dataset + '/' + c.table:<28} {c.action.value:<18} {c.rule:<28} {c.rows:>8} {c.held:>6}  "
                   f"{', '.join(c.examples)}")
    for log in plan.log_directories:
        if log.get("note"):
            typer.echo(f"  logs {log['dataset']}/{log['directory']}: {log['note']}")
        else:
            held = f", held: {log['hold']}" if log.get("hold") else ""
            typer.echo(f"  logs {log['dataset']}/{log['directory']} ({log['rule']}): {log['files_to_delete']} files "
                       f"to delete, {log['files_to_rewrite']} to rewrite, {log['lines_expired']} lines expired, "
                       f"{log['lines_kept']} kept{held}")
    for hold in plan.holds:
        typer.echo(f"  hold #{hold.id} in force: {hold.scope.value} {hold.dataset or ''}{'/' + hold.table if hold.table else ''}"
                   f"{hold.event or ''} ({hold.reason}, {hold.owner})")
    for note in plan.notes:
        typer.echo(f"  note: {note}")


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Any]:
    """A rich progress bar, one task per step (table and action); None when quiet."""
    if quiet:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=False) as bar:
        def advance(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        yield advance


def print_run(run: Any) -> None:
    summary = run.summary()
    resumed = " (resumed)" if run.resumed else ""
    typer.echo(f"retention run {run.id}{resumed} at {run.at.isoformat()}: {run.batches} batches, "
               f"{run.seconds:.1f} s, longest batch {run.max_lock_ms} ms")
    for c in summary["counts"]:
        if c["rows"] or c["held"]:
            typer.echo(f"  {c['dataset']}/{c['table']}: {c['action']} {c['rows']} ({c['rule']})"
                       + (f", {c['held']} kept by a hold" if c["held"] else ""))
    for log in summary["logs"]:
        typer.echo(f"  logs {log['dataset']}/{log['directory']}: " + (log.get("note") or
                   f"{log.get('lines_deleted', 0)} lines deleted, {log.get('files_deleted', 0)} files deleted"
                   + (f", held: {log['hold']}" if log.get("hold") else "")))
    for note in summary["notes"]:
        typer.echo(f"  note: {note}")
    for path in run.reports:
        typer.echo(f"  report: {path}")


def print_runs(runs: list[dict[str, Any]]) -> None:
    if not runs:
        typer.echo("no retention run yet")
    for run in runs:
        totals = run["summary"] or {}
        rows = sum(c["rows"] for c in totals.get("counts", []))
        typer.echo(f"{run['id']}  {run['status']:<8} at {run['at'].isoformat()}  started {run['started_at'].isoformat()}"
                   f"  rows {rows}")


def print_report(run: dict[str, Any], reports: Path) -> None:
    print_runs([run])
    summary = run["summary"] or {}
    for c in summary.get("counts", []):
        typer.echo(f"  {c['dataset']}/{c['table']}: {c['action']} {c['rows']} ({c['rule']}), held {c['held']}")
    typer.echo(f"  {len(run['batches'])} batches recorded")
    for suffix in ("json", "html"):
        path = reports / f"{run['id']}.{suffix}"
        if path.exists():
            typer.echo(f"  report: {path}")


def print_hold(hold: Any) -> None:
    what = {"person": f"person ({hold.kind}, {hold.lookup_hash[:12] if hold.lookup_hash else '?'}…)",
            "dataset": f"dataset {hold.dataset}", "table": f"{hold.dataset}/{hold.table}",
            "event": f"event {hold.event}"}[hold.scope.value]
    until = hold.ended_at or hold.ends_at
    typer.echo(f"hold #{hold.id}: {what}, from {hold.starts_at.isoformat()} "
               f"{'to ' + until.isoformat() if until else 'until ended'}: {hold.reason} ({hold.owner})")
