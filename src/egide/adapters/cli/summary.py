"""Readable summaries of a register for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from egide.domain.durations import Duration
from egide.register.model import Register


def print_register_summary(register: Register, console: Console | None = None) -> None:
    console = console or Console()
    c = register.controller
    console.print(f"[bold]{c.name}[/bold]" + (f", {c.legal_form}" if c.legal_form else "")
                  + (f", {c.registration}" if c.registration else ""))
    console.print(f"policy version {register.policy.version}, effective {register.policy.effective_date or '(undated)'}")
    if register.dpo:
        console.print(f"DPO: {register.dpo.email or register.dpo.name or '-'}")
    authority = register.supervisory_authority
    console.print(f"supervisory authority: {authority.name if authority else 'not named'}")

    activities = Table(title="Processing activities", show_lines=False)
    for column in ("activity", "purposes (legal basis)", "categories", "recipients"):
        activities.add_column(column)
    for a in register.activities:
        activities.add_row(
            a.name,
            "\n".join(f"{p.use} ({p.legal_basis.value})" for p in a.purposes),
            str(len(a.data_categories)),
            ", ".join(a.recipients) or "-",
        )
    console.print(activities)

    retention = Table(title="Retention")
    for column in ("rule", "activities", "period", "from", "then"):
        retention.add_column(column)
    for r in register.retention:
        period = Duration.parse(r.duration).describe("en") if r.duration else "-"
        if r.while_open:
            period += f" (kept while a {r.while_open.value.replace('_', ' ')} is open)"
        retention.add_row(r.key, ", ".join(r.activities), period,
                          r.clock.value.replace("_", " ") if r.clock else "-",
                          r.action.value + (f" for {r.archive_for}" if r.archive_for else ""))
    console.print(retention)

    transfers = register.all_transfers()
    if transfers:
        table = Table(title="Transfers outside the EEA")
        for column in ("activity", "recipient", "country", "safeguard"):
            table.add_column(column)
        for activity, t in transfers:
            table.add_row(activity.key, t.recipient, t.country, t.safeguard.value if t.safeguard else "none stated")
        console.print(table)
