"""`egide task ...`: tasks for people (manual sources, human reviews, objections to assess); thin."""

from __future__ import annotations

import json

import typer

from egide.adapters.cli.errors import reported_errors
from egide.adapters.cli.request_commands import _check_format, _desk

app = typer.Typer(help="Tasks for people: manual sources to search, human reviews (art. 22(3)), objections to "
                       "assess (art. 21(1)).", no_args_is_help=True)


@app.command("list")
def list_cmd(overdue: bool = typer.Option(False, "--overdue", help="Only open tasks past their due date."),
             closed: bool = typer.Option(False, "--all", help="Closed tasks too."),
             fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Open tasks by due date."""
    from egide.services.tasks import list_tasks

    with reported_errors():
        _check_format(fmt, ("table", "json"))
        with _desk() as desk:
            rows = list_tasks(desk, overdue_only=overdue, include_closed=closed)
    if fmt == "json":
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    for r in rows:
        state = "OVERDUE" if r.overdue else r.status
        who = f" ({r.assignee})" if r.assignee else ""
        typer.echo(f"{r.id[:8]}  {r.reference}  {r.kind:<13} due {r.due_on.isoformat()}  {state:<9} {r.title}{who}")
    if not rows:
        typer.echo("no task")


@app.command("show")
def show(task_id: str = typer.Argument(..., help="The task's id (its first 8 characters are enough)."),
         fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """One task: what to do, by when, and its outcome once closed."""
    from egide.services.tasks import show_task

    with reported_errors():
        _check_format(fmt, ("text", "json"))
        with _desk() as desk:
            body = show_task(desk, task_id).as_dict(desk.today())
    if fmt == "json":
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for key in ("id", "reference", "kind", "source", "title", "instructions", "assignee", "due_on", "status",
                "overdue", "decision", "outcome", "closed_at", "closed_by"):
        if body.get(key) not in (None, ""):
            typer.echo(f"{key}: {body[key]}")


@app.command("done")
def done(task_id: str = typer.Argument(..., help="The task's id (its first 8 characters are enough)."),
         outcome: str = typer.Option(..., "--outcome", help="What was found and done; it goes into the answer "
                                                            "to the person.")) -> None:
    """Close a manual-source task with its outcome; then `egide request run REF` answers the request."""
    from egide.services.tasks import close_task

    with reported_errors(), _desk() as desk:
        task = close_task(desk, task_id, outcome)
    typer.echo(f"task {task.id[:8]} ({task.reference}) done; run `egide request run {task.reference}` once every "
               "task of the request is closed")


@app.command("cancel")
def cancel(task_id: str = typer.Argument(..., help="The task's id (its first 8 characters are enough)."),
           reason: str = typer.Option(..., "--reason", help="Why the task is not needed (kept in the store).")) -> None:
    """Cancel a task that is not needed (the source holds nothing for this request, say)."""
    from egide.services.tasks import close_task

    with reported_errors(), _desk() as desk:
        task = close_task(desk, task_id, reason, cancel=True)
    typer.echo(f"task {task.id[:8]} ({task.reference}) cancelled")
