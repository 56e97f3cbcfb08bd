"""`egide demo`: the tour of the embedded default, from an empty directory to an active,
linted register and a verified audit trail."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.adapters.cli.summary import print_register_summary
from egide.domain.errors import ConfigurationError

DEMO_REGISTER = "002-okasio.yaml"


def examples_dir() -> Path:
    """examples/registers of the source tree Egide runs from (or EGIDE_EXAMPLES)."""
    import os

    explicit = os.environ.get("EGIDE_EXAMPLES")
    candidates = [Path(explicit)] if explicit else []
    candidates += [Path.cwd() / "examples" / "registers",
                   Path(__file__).resolve().parents[4] / "examples" / "registers"]
    for candidate in candidates:
        if (candidate / DEMO_REGISTER).exists():
            return candidate
    raise ConfigurationError("cannot find examples/registers: run from the source tree or set EGIDE_EXAMPLES")


def demo(
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Where to put the demo store (default: a new temporary directory)."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="After the tour, serve the privacy centre, the console (a demo DPO account), the API and the demo shop."),
    port: int = typer.Option(8000, "--port", help="Where to serve (127.0.0.1 only)."),
) -> None:
    """Run the tour on the embedded default: store, keys, seed 002's register, its lint, the audit trail."""
    from egide.bootstrap import build_app, initialise
    from egide.register.lint import Severity
    from egide.register.loader import load_register
    from egide.services.audit import verify_audit_trail
    from egide.services.registers import activate_register

    with reported_errors():
        directory = data_dir or STATE.data_dir or Path(tempfile.mkdtemp(prefix="egide-demo-"))
        settings = STATE.settings(data_dir=directory, actor="demo")
        typer.secho("1. Store", bold=True)
        for line in initialise(settings):
            typer.echo(f"   {line}")
        typer.echo(f"   embedded store: {settings.resolved_database_url}")

        register_file = examples_dir() / DEMO_REGISTER
        typer.secho(f"\n2. Register: {register_file}", bold=True)
        loaded = load_register(register_file)
        app_ = build_app(settings)
        try:
            result = activate_register(app_.store, loaded, settings.actor)
            version = result.version
            typer.echo(f"   {'activated' if result.changed else 'already active:'} version {version.label} "
                       f"of {version.controller_name} (sha256 {version.sha256[:12]})")
            print_register_summary(loaded.register)

            typer.secho("\n3. Compliance lint (what the policy text gets wrong)", bold=True)
            by_severity = Counter(f.severity for f in result.findings)
            typer.echo(f"   {by_severity[Severity.error]} error(s), {by_severity[Severity.warning]} warning(s), "
                       f"{by_severity[Severity.info]} note(s)")
            for f in result.findings:
                colour = {"error": "red", "warning": "yellow", "info": "blue"}[f.severity.value]
                typer.secho(f"   line {f.line}: {f.severity.value} [{f.rule}] {f.message}", fg=colour)
                typer.echo(f"      {f.article} - fix: {f.fix}")

            _requests_tour(app_, directory)

            typer.secho("\n5. Audit trail", bold=True)
            report = verify_audit_trail(app_.store)
            typer.echo(f"   {'intact' if report.intact else 'BROKEN'}: {report.events_checked} hash-chained event(s)")
        finally:
            app_.close()

    typer.secho("\nNext:", bold=True)
    prefix = f"egide --data-dir {directory}"
    typer.echo(f"   {prefix} register show          # the active register")
    typer.echo(f"   {prefix} audit list             # what happened, in order")
    typer.echo(f"   {prefix} audit verify           # check the hash chain")
    typer.echo("   egide register check examples/registers/*.yaml   # lint all five seed registers")
    typer.echo(f"   {prefix} decide --email jeanne@example.com --purpose marketing.communications.email")
    typer.echo(f"   {prefix} register render {examples_dir() / DEMO_REGISTER} --lang fr --format md")
    if serve:
        _serve(settings, port)


DEMO_DPO = "dpo@demo.example.com"


def _serve(settings, port: int) -> None:  # type: ignore[no-untyped-def]
    """Both sides: the privacy centre, the console (a demo DPO account), the API, the demo shop; the
    sample shop is the dataset requests run on, worked by the in-process job runner."""
    import os

    import uvicorn

    from egide.adapters.http.app import create_app
    from egide.adapters.jobs import build_job_queue
    from egide.bootstrap import build_app

    shop = settings.data_dir / "shop" / "shop.db"
    os.environ.setdefault("SHOP_DATABASE_URL", f"sqlite:///{shop}")
    served = settings.model_copy(update={
        "public_url": f"http://127.0.0.1:{port}", "datasets": [examples_dir().parent / "datasets" / "shop.yaml"]})
    app_ = build_app(served)
    runner = build_job_queue(app_)
    base = f"http://127.0.0.1:{port}"
    try:
        password = _demo_dpo(app_)
        typer.secho(f"\n6. Serving on {base} (Ctrl-C to stop)", bold=True)
        typer.echo(f"   privacy centre (the people, no account): {base}/centre/")
        typer.echo(f"   console (staff): {base}/console/sign-in")
        typer.echo(f"      sign in as {DEMO_DPO} with the password {password}  (role dpo; shown once, "
                   f"change it with `egide --data-dir {settings.data_dir} account password {DEMO_DPO}`)")
        typer.echo(f"   demo shop with the cookie banner: {base}/demo/shop")
        typer.echo(f"   HTTP API documentation:           {base}/api/docs")
        typer.echo(f"   a decision over HTTP:             {base}/api/v1/decisions"
                   "?email=jeanne@example.com&purpose=marketing.communications.email")
        typer.echo(f"   requests are run on the sample shop ({shop}); notices go to {settings.data_dir / 'outbox'}")
        if runner.name == "inprocess":
            runner.start()
        uvicorn.run(create_app(app_, jobs=runner), host="127.0.0.1", port=port, log_level="warning")
    finally:
        if runner.name == "inprocess":
            runner.stop()
        app_.close()


def _demo_dpo(app_) -> str:  # type: ignore[no-untyped-def]
    """The demo DPO account with a fresh strong password (a new one at each start of the demo)."""
    from egide.domain.errors import NotFoundError
    from egide.services.accounts import create_account, generated_password, set_password

    password = generated_password()
    try:
        set_password(app_.store, DEMO_DPO, password, actor="demo")
    except NotFoundError:
        create_account(app_.store, username=DEMO_DPO, role="dpo", password=password, actor="demo")
    return password


def _requests_tour(app_, directory: Path) -> None:  # type: ignore[no-untyped-def]
    """A sample shop database; one customer asks for a copy of their data, then for erasure."""
    from sqlalchemy import text

    from egide.adapters.cli.request_commands import open_databases
    from egide.adapters.notifications import request_desk
    from egide.demo.shop import build_shop
    from egide.services.request_identity import verify_manually
    from egide.services.request_runner import run_request
    from egide.services.requests import submit_request

    shop = directory / "shop" / "shop.db"
    typer.secho("\n4. Data-subject requests on the sample shop database", bold=True)
    if not shop.exists():
        info = build_shop(shop)
        typer.echo(f"   shop database: {shop} ({sum(info.rows.values())} rows, {info.log_lines} log lines)")
    active = app_.registers.refresh()
    databases = open_databases([examples_dir().parent / "datasets" / "shop.yaml"], active.loaded.register,
                               f"sqlite:///{shop}", shop.parent)
    with databases[0].engine.connect() as c:
        email = c.execute(text("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
                               "JOIN invoices i ON i.order_id = o.id WHERE c.email NOT LIKE 'h$%' ORDER BY c.id LIMIT 1")
                          ).scalar_one_or_none()
    if email is None:
        typer.echo("   every sample customer with an invoice was already erased: run the demo in a new directory")
        return
    desk = request_desk(app_, actor="demo")
    output = directory / "requests"
    for right in ("access", "erasure"):
        reference = submit_request(desk, right=right, email=email, channel="form").request.reference
        verify_manually(desk, reference, "espace client connecté (démo)")
        outcome = run_request(desk, active, reference, databases, output, on_change=app_.decisions.invalidate)
        typer.echo(f"   {reference} ({right}) for {email}: answered")
        for line in outcome.lines:
            typer.echo(f"      {line}")
        for path in outcome.files:
            if path.suffix == ".html":  # sealed with the person's key: `egide request file` opens it
                typer.echo(f"      report: {path} (sealed at rest with the person's key; "
                           f"`egide request file {reference}` opens it)")
        if right == "erasure":
            typer.echo("      their key is destroyed: what was sealed for them (the report above too) no longer opens")
    typer.echo(f"   notices to the person (readable .eml files): {directory / 'outbox'}")
    _retention_line(app_, active.loaded.register, databases)


def _retention_line(app_, register, databases) -> None:  # type: ignore[no-untyped-def]
    """What retention would do on the shop today (a dry run: nothing changes)."""
    from egide.services.retention import plan_retention

    plan = plan_retention(app_.store, register, databases)
    totals: dict[str, int] = {}
    for count in plan.counts:
        totals[count.action.value] = totals.get(count.action.value, 0) + count.rows
    shown = ", ".join(f"{n} to {action.replace('_', ' ')}" for action, n in totals.items() if n) or "nothing due"
    held = sum(count.held for count in plan.counts)
    if held:
        shown += f"; {held} kept by a hold or until the person is re-contacted"
    typer.echo(f"   retention plan today: {shown} (details: egide retention plan --dataset "
               f"{examples_dir().parent / 'datasets' / 'shop.yaml'})")
