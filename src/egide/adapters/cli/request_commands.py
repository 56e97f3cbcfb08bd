"""`egide request ...`: data-subject requests from intake to answer (thin: parse, call a service, print)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.adapters.connectors.company import open_databases
from egide.domain.errors import InvalidInputError, Problem

app = typer.Typer(help="Data-subject requests (art. 12, 15-22): intake, identity, the legal clock, notices.",
                  no_args_is_help=True)


@contextmanager
def _desk() -> Iterator["object"]:
    from egide.adapters.notifications import request_desk
    from egide.bootstrap import build_app

    application = build_app(STATE.settings())
    try:
        yield request_desk(application)
    finally:
        application.close()


def _parse_received(text: str | None) -> datetime | date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text.strip()) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"--received-at {text!r} is not a date",
                                problems=[Problem("write 2026-01-31 or 2026-01-31T14:05", path="received_at")]) from None


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InvalidInputError(f"unknown --format {fmt!r}", problems=[Problem(f"use {' or '.join(allowed)}",
                                                                               path="format")])


def _report(change, desk) -> None:  # type: ignore[no-untyped-def]
    request = change.request
    typer.echo(f"{request.reference}: {request.status.value} ({request.right.value}), "
               f"due {request.due_on.isoformat()}")
    for delivery in change.deliveries:
        if delivery.delivered:
            where = f" to {desk.notifier.directory}" if hasattr(desk.notifier, "directory") else ""
            typer.echo(f"  notice '{delivery.kind.value}' sent by {delivery.transport}{where}")
        else:
            print(f"warning: notice '{delivery.kind.value}' not delivered: {delivery.error} "
                  "(the change is kept; retry with `egide request send-pending`)", file=sys.stderr)


@app.command("submit")
def submit(
    right: str = typer.Option(..., "--right", help="access, rectification, erasure, restriction, portability, "
                              "objection, human_review or withdraw_consent."),
    email: str = typer.Option(..., "--email", help="The person's email: notices and the verification code go there."),
    channel: str = typer.Option("form", "--channel", help="How it came: form, email, post or phone."),
    text: str | None = typer.Option(None, "--text", help="The person's own words (stored encrypted)."),
    received_at: str | None = typer.Option(None, "--received-at", help="When it reached the company (default now)."),
    name: str | None = typer.Option(None, "--name", help="The name the person gave (stored encrypted)."),
    phone: str | None = typer.Option(None, "--phone", help="A phone number the person gave (stored encrypted)."),
    language: str | None = typer.Option(None, "--language", help="fr or en (default: the register's language)."),
    no_code: bool = typer.Option(False, "--no-code", help="Do not start identification now (verify later)."),
) -> None:
    """Log a request: the clock starts at receipt; the person gets an acknowledgement and a code (or, when the
    register requires it, a request for an identity document)."""
    from egide.services.requests import submit_request

    with reported_errors():
        received = _parse_received(received_at)
        with _desk() as desk:
            change = submit_request(desk, right=right, email=email, channel=channel, text=text, received_at=received,
                                    name=name, phone=phone, language=language, identify=not no_code)
            _report(change, desk)


@app.command("verify")
def verify(
    reference: str = typer.Option(..., "--reference", help="The request's reference, e.g. DSR-2026-000001."),
    code: str | None = typer.Option(None, "--code", help="The 6-digit code the person received."),
    manual: bool = typer.Option(False, "--manual", help="An agent checked the identity another way."),
    method: str | None = typer.Option(None, "--method", help="With --manual: how the identity was checked."),
    note: str | None = typer.Option(None, "--note", help="With --manual: anything worth keeping (stored encrypted)."),
) -> None:
    """Confirm the person's identity with their code, or record an agent's manual check."""
    from egide.services.request_identity import verify_code, verify_manually

    with reported_errors():
        if (code is None) == (not manual):
            raise InvalidInputError("give --code or --manual --method \"...\"")
        with _desk() as desk:
            if manual:
                change = verify_manually(desk, reference, method or "", note)
            else:
                change = verify_code(desk, reference, code or "")
            _report(change, desk)


@app.command("send-code")
def send_code(reference: str = typer.Argument(..., help="The request's reference.")) -> None:
    """Email a new verification code (the previous one stops working)."""
    from egide.services.request_identity import send_verification_code

    with reported_errors(), _desk() as desk:
        _report(send_verification_code(desk, reference), desk)


@app.command("ask-id")
def ask_id(reference: str = typer.Argument(..., help="The request's reference."),
           reason: str | None = typer.Option(None, "--reason", help="The reasonable doubt (required unless the "
                                             "register always asks for a document); sent to the person.")) -> None:
    """Ask for an identity document (art. 12(6)); the clock is suspended until `id-checked`."""
    from egide.services.request_identity import ask_identity_document

    with reported_errors(), _desk() as desk:
        _report(ask_identity_document(desk, reference, reason), desk)


@app.command("id-checked")
def id_checked(reference: str = typer.Argument(..., help="The request's reference."),
               note: str | None = typer.Option(None, "--note", help="How it was checked (stored encrypted).")) -> None:
    """Record that the identity document was checked AND its copy deleted (Egide never stores it); the clock resumes."""
    from egide.services.request_identity import identity_document_checked

    with reported_errors(), _desk() as desk:
        _report(identity_document_checked(desk, reference, note), desk)


@app.command("extend")
def extend_cmd(reference: str = typer.Argument(..., help="The request's reference."),
               reason: str = typer.Option(..., "--reason", help="Why more time is needed; sent to the person."),
               by: str = typer.Option("P2M", "--by", help="P1M or P2M (at most two further months in total).")) -> None:
    """Extend the deadline (art. 12(3)): within the first month, with reasons; the person is told."""
    from egide.services.requests import extend

    with reported_errors(), _desk() as desk:
        _report(extend(desk, reference, reason, by), desk)


@app.command("refuse")
def refuse_cmd(reference: str = typer.Argument(..., help="The request's reference."),
               reason: str = typer.Option(..., "--reason", help="The reasons, sent to the person."),
               ground: str = typer.Option(..., "--ground", help="manifestly_unfounded, excessive (art. 12(5)) or "
                                                                "identity_not_established.")) -> None:
    """Refuse with the reasons; the notice tells the right to complain to the supervisory authority."""
    from egide.services.requests import refuse

    with reported_errors(), _desk() as desk:
        _report(refuse(desk, reference, reason, ground), desk)


@app.command("approve")
def approve_cmd(reference: str = typer.Argument(..., help="The request's reference.")) -> None:
    """Approve the answer: one held for approval (answer_approval_required) is sent now and the request is
    answered; an answer already sent gets the DPO's recorded sign-off. The audit keeps its SHA-256."""
    from egide.services.answer_review import approve_answer

    with reported_errors(), _desk() as desk:
        approval = approve_answer(desk, reference)
        _report(approval.change, desk)
    what = "approved and sent" if approval.released else "approved (it was already sent)"
    typer.echo(f"  answer {what}: sha256 {approval.answer_sha256[:12]}")


@app.command("list")
def list_cmd(overdue: bool = typer.Option(False, "--overdue", help="Only requests past their due date."),
             status: list[str] = typer.Option([], "--status", help="Only these statuses (repeat)."),
             fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Requests by due date, with the days left."""
    from egide.domain.requests import RequestStatus
    from egide.services.requests import list_requests

    with reported_errors():
        _check_format(fmt, ("table", "json"))
        try:
            statuses = [RequestStatus(s) for s in status] or None
        except ValueError:
            raise InvalidInputError(f"unknown status in {status}", problems=[
                Problem(f"expected: {', '.join(s.value for s in RequestStatus)}", path="status")]) from None
        with _desk() as desk:
            rows = list_requests(desk, overdue_only=overdue, statuses=statuses)
    if fmt == "json":
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    for r in rows:
        left = "done" if r.days_left is None else ("OVERDUE" if r.overdue else f"{r.days_left} days left")
        flags = "".join([" extended" if r.extended else "", " clock suspended" if r.suspended else ""])
        typer.echo(f"{r.reference}  {r.right:<16} {r.status:<18} due {r.due_on.isoformat()}  {left}{flags}")
    if not rows:
        typer.echo("no request")


@app.command("show")
def show(reference: str = typer.Argument(..., help="The request's reference."),
         fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """One request: its words, identity, clock, notices, tasks for people, fees and audit events."""
    from egide.services.request_fees import fees_of
    from egide.services.requests import show_request
    from egide.services.tasks import request_tasks

    with reported_errors():
        _check_format(fmt, ("text", "json"))
        with _desk() as desk:
            body = show_request(desk, reference).as_dict()
            body["tasks"] = [v.as_dict(desk.today()) for v in request_tasks(desk, body["id"])]
            body["fees"] = fees_of(desk, body["id"])
    if fmt == "json":
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for key in ("reference", "right", "status", "channel", "received_at", "due_on", "days_left", "extension",
                "extension_reason", "refusal", "text", "claims", "identity", "result"):
        if body.get(key) not in (None, "", {}):
            typer.echo(f"{key}: {body[key]}")
    for s in body["suspensions"]:
        typer.echo(f"clock suspended: {s['started_at']} -> {s['ended_at'] or 'now'} ({s['kind']}: {s['reason']})")
    for n in body["notices"]:
        state = f"sent {n['sent_at']} by {n['transport']}" if n["sent_at"] else f"NOT SENT ({n['error'] or 'pending'})"
        typer.echo(f"notice {n['kind']}: {state}")
    for t in body["tasks"]:
        typer.echo(f"task {t['id'][:8]} {t['kind']} ({t['source']}): {t['status']}, due {t['due_on']}"
                   + (f", {t['decision']}" if t["decision"] and t["decision"] != t["status"] else ""))
    for f in body["fees"]:
        typer.echo(f"fee {f['amount']} {f['currency']} ({f['ground']}): charged {f['charged_at']}, "
                   + (f"paid {f['paid_at']}" if f["paid_at"] else "NOT PAID"))
    for e in body["events"]:
        typer.echo(f"audit #{e['seq']} {e['at']} {e['action']} by {e['actor']}")


@app.command("send-pending")
def send_pending_cmd(limit: int = typer.Option(100, "--limit", help="At most this many notices.")) -> None:
    """Deliver the notices not sent yet (after an SMTP failure, for instance), to people and, for art. 19,
    to recipients."""
    from egide.services.recipients import deliver_recipient_notices
    from egide.services.requests import send_pending

    with reported_errors(), _desk() as desk:
        deliveries = send_pending(desk, limit)
        to_recipients = deliver_recipient_notices(desk, None, limit)
    failed = [d for d in deliveries if not d.delivered]
    typer.echo(f"{len(deliveries) - len(failed)} sent, {len(failed)} failed")
    for d in failed:
        print(f"  {d.reference} {d.kind.value}: {d.error}", file=sys.stderr)
    not_sent = [n for n in to_recipients if n.status.retried]
    if to_recipients:
        typer.echo(f"art. 19 notices to recipients: {len(to_recipients) - len(not_sent)} sent, {len(not_sent)} failed")
    for n in not_sent:
        print(f"  {n.reference} recipient {n.recipient} ({n.channel.value}): {n.error}", file=sys.stderr)
    if failed or not_sent:
        raise typer.Exit(1)


@app.command("recipients")
def recipients_cmd(reference: str = typer.Argument(..., help="The request's reference."),
                   fmt: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Art. 19: the recipients told of a rectification, erasure or restriction, how and when (the person
    may ask for this list)."""
    from egide.services.recipients import notice_as_dict, recipient_list

    with reported_errors():
        _check_format(fmt, ("text", "json"))
        with _desk() as desk:
            notices = recipient_list(desk, reference)
    if fmt == "json":
        typer.echo(json.dumps([notice_as_dict(n) for n in notices], indent=2, ensure_ascii=False))
        return
    if not notices:
        typer.echo(f"{reference}: no recipient notified (art. 19)")
    for n in notices:
        when = f"sent {n.sent_at:%Y-%m-%d %H:%M} UTC" if n.sent_at else n.status.value.upper().replace("_", " ")
        where = f" to {n.address}" if n.address else ""
        typer.echo(f"{n.recipient_name} [{n.recipient}, {n.recipient_kind}]: {n.channel.value}{where}, {when}"
                   + (f", answered HTTP {n.answer_status}" if n.answer_status else "")
                   + (f", acknowledged {n.answered_at:%Y-%m-%d %H:%M} UTC" if n.status.value == "acknowledged"
                      and n.answered_at else "")
                   + (f" ({n.error})" if n.error and n.status.value != "sent" else ""))


@app.command("recipient-answer")
def recipient_answer_cmd(body: Path = typer.Argument(..., help="The file holding the recipient's JSON answer, "
                                                               "byte for byte as signed."),
                         signature: str = typer.Option(..., "--signature", help="The Egide-Signature header that "
                                                       "came with it: t=<unix time>,v1=<hex>.")) -> None:
    """Record a recipient's signed acknowledgement of an art. 19 notice; a forged or stale signature is refused."""
    from egide.services.recipients import record_recipient_answer

    with reported_errors():
        try:
            content = body.read_bytes()
        except OSError as exc:
            from egide.domain.errors import UnreadableInputError

            raise UnreadableInputError(f"{body}: {exc.strerror}") from None
        with _desk() as desk:
            notice = record_recipient_answer(desk, content, signature)
    typer.echo(f"{notice.reference}: {notice.recipient_name} acknowledged the art. 19 notice")


@app.command("run")
def run_cmd(
    reference: str = typer.Argument(..., help="The request's reference."),
    dataset: list[Path] = typer.Option([], "--dataset", help="A dataset file (repeat for several databases)."),
    database_url: str | None = typer.Option(None, "--database-url", help="The company database (else the dataset's variable)."),
    log_root: Path | None = typer.Option(None, "--log-root", help="Where the dataset's log directories are."),
    output: Path | None = typer.Option(None, "--output", help="Where reports and exports go (default: DATA_DIR/requests)."),
    set_: list[str] = typer.Option([], "--set", help="Rectification: field=value (repeatable)."),
    disputed: bool = typer.Option(False, "--disputed", help="Rectification contested by the company: record the statement."),
    statement: str | None = typer.Option(None, "--statement", help="The person's statement, for a disputed rectification."),
    queue: bool = typer.Option(False, "--queue", help="Put the run on the job runner instead of running it here "
                               "(prints the job id; `egide jobs list` follows it)."),
    purpose: list[str] = typer.Option([], "--purpose", help="Objection: the purpose objected to (repeatable). "
                                      "Marketing: honoured at once; a legitimate-interest purpose: the DPO decides."),
) -> None:
    """Execute a verified request on the company's databases and answer the person (or, while tasks for
    people are open, leave it running: run it again once they are done)."""
    from egide.adapters.notifications import request_desk
    from egide.bootstrap import build_app
    from egide.services.request_runner import run_request

    if queue:
        _enqueue_run(reference, dataset, database_url, log_root, bool(set_ or disputed or statement or purpose))
        return
    with reported_errors():
        changes = {}
        for item in set_:
            field, sep, value = item.partition("=")
            if not sep or not field.strip():
                raise InvalidInputError(f"--set {item!r}: write field=value", problems=[Problem("field=value", path="set")])
            changes[field.strip()] = value
        application = build_app(STATE.settings())
        try:
            active = application.registers.get()
            if active is None:
                from egide.domain.errors import ConfigurationError

                raise ConfigurationError("no register is active: run `egide register activate FILE`")
            files = dataset or list(application.settings.datasets)
            databases = open_databases(files, active.loaded.register, database_url, log_root)
            desk = request_desk(application)
            outcome = run_request(desk, active, reference, databases, output or application.settings.data_dir / "requests",
                                  changes=changes, disputed=disputed, statement=statement, purposes=list(purpose),
                                  on_change=application.decisions.invalidate)
        finally:
            application.close()
    if outcome.pending:
        typer.echo(f"{reference}: running ({outcome.right.value}), waiting for {len(outcome.pending)} task(s) "
                   "for people; not answered yet")
        for task in outcome.pending:
            typer.echo(f"  task {task.id[:8]} {task.kind.value} due {task.due_on.isoformat()}: {task.title}")
    elif outcome.held:
        typer.echo(f"{reference}: awaiting_approval ({outcome.right.value}): the answer is written, not sent; "
                   f"`egide request approve {reference}` sends it")
    else:
        typer.echo(f"{reference}: answered ({outcome.right.value})")
    for line in outcome.lines:
        typer.echo(f"  {line}")
    for path in outcome.files:
        typer.echo(f"  file: {path}")


def _enqueue_run(reference: str, dataset: list[Path], database_url: str | None, log_root: Path | None,
                 rectifying: bool) -> None:
    """Only references and file paths go on the queue: no personal data, no database password."""
    from egide.adapters.jobs import build_job_queue
    from egide.adapters.notifications import request_desk
    from egide.bootstrap import build_app
    from egide.services.request_runner import runnable

    with reported_errors():
        if rectifying or database_url:
            option = "--database-url" if database_url else "--set/--disputed/--statement/--purpose"
            raise InvalidInputError(f"{option} cannot go on the queue (the queue holds no personal data and no "
                                    "password): run without --queue, or give the URL through the dataset's variable",
                                    problems=[Problem("not with --queue", path=option)])
        application = build_app(STATE.settings())
        try:
            found = runnable(request_desk(application), reference)
            arguments: dict[str, object] = {"reference": found.reference}
            if dataset:
                arguments["datasets"] = [str(p.resolve()) for p in dataset]
            if log_root is not None:
                arguments["log_root"] = str(log_root.resolve())
            runner = build_job_queue(application)
            job_id = runner.enqueue("request.run", **arguments)
        finally:
            application.close()
    typer.echo(f"{found.reference}: queued as job {job_id} ({runner.name})")


@app.command("replay-erasures")
def replay_erasures_cmd(
    since: str = typer.Option(..., "--since", help="Replay the erasures logged since this date (YYYY-MM-DD)."),
    dataset: list[Path] = typer.Option([], "--dataset", help="A dataset file (repeat for several databases)."),
    database_url: str | None = typer.Option(None, "--database-url", help="The company database (else the dataset's variable)."),
    log_root: Path | None = typer.Option(None, "--log-root", help="Where the dataset's log directories are."),
) -> None:
    """After a database was restored from a backup: erase again, before the data is used, everyone
    whose erasure was logged since --since (the log holds keyed hashes, never the erased data)."""
    from egide.bootstrap import build_app
    from egide.services.execution import replay_erasures

    with reported_errors():
        try:
            start = date.fromisoformat(since)
        except ValueError:
            raise InvalidInputError(f"--since {since!r} is not a date",
                                    problems=[Problem("write 2026-01-31", path="since")]) from None
        application = build_app(STATE.settings())
        try:
            active = application.registers.get()
            if active is None:
                from egide.domain.errors import ConfigurationError

                raise ConfigurationError("no register is active: run `egide register activate FILE`")
            results = []
            for db in open_databases(dataset or list(application.settings.datasets), active.loaded.register,
                                     database_url, log_root):
                results += [(db.dataset.name, r) for r in replay_erasures(
                    application.store, dataset=db.dataset, engine=db.engine, register=active.loaded.register,
                    since=start, log_root=db.log_root, actor=application.settings.actor)]
        finally:
            application.close()
    if not results:
        typer.echo(f"no erasure logged since {start.isoformat()}")
    for name, r in results:
        if r.result is None:
            typer.echo(f"{name}: erasure of {r.erased_at:%Y-%m-%d} (request {r.request_id[:8]}): "
                       "the person is in none of the restored rows")
        else:
            erased = sum(t.deleted + t.masked for t in r.result.erased)
            typer.echo(f"{name}: erasure of {r.erased_at:%Y-%m-%d} (request {r.request_id[:8]}) replayed: "
                       f"{erased} row(s) erased again")
