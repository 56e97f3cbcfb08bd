"""The register's retention rules compiled onto one dataset: for each table, the rules covering
it (whole rows or some columns), the column that dates its rows, and the rule that decides.

A rule covers a table that serves one of its activities, holds one of its data subjects (when
both name some) and, when the rule names categories, the columns holding them (then it covers
only those columns). The clock is found

1. in the table itself (a column whose ``clocks`` names it);
2. up the references (``order_items`` is dated by ``orders.ordered_at``; a row whose reference
   is empty is not covered by the rule: a newsletter subscriber who is no customer);
3. for ``last_order``, as the person's latest order: ``max(orders.ordered_at)`` over the orders
   of the same customer (a correlated subquery along the references);
4. down the references, as the latest of the child rows (a customer's last transaction date is
   the latest of their orders'); no child row: nothing left to keep under that rule.

A rule that covers a table but whose clock no column starts cannot date the rows: it keeps them
all, and the plan says so. Pure functions of the register and the dataset.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from egide.datasets.graph import Join, erasure_order, references
from egide.datasets.model import Dataset, Table
from egide.domain.durations import Duration
from egide.domain.retention import Action, Cover, deciding_rule
from egide.register.model import Register, RetentionAction, RetentionClock, RetentionRule
from egide.services.execution.keep import matching_columns

OPTIONAL_CLOCKS = {RetentionClock.objection_made}  # no objection: the objection list holds nothing of the row


@dataclass(frozen=True)
class TableRetention:
    """The compiled retention of one table."""

    dataset: str
    table: str
    covers: tuple[Cover, ...]
    deciding: Cover | None
    undated: tuple[str, ...]  # rules that cover the table but cannot date its rows: they keep them
    notes: tuple[str, ...]

    @property
    def action(self) -> Action | None:
        return self.deciding.action if self.deciding else None

    @property
    def column_covers(self) -> bool:
        return any(c.columns is not None for c in self.covers)


def compile_dataset(dataset: Dataset, register: Register) -> list[TableRetention]:
    """Every table some retention rule covers, children before parents."""
    order = erasure_order(dataset).tables
    compiled = []
    for name in order:
        table = dataset.table(name)
        if table is None:
            continue
        covers, undated, notes = [], [], []
        for rule in register.retention:
            if not _applies(rule, table):
                continue
            cover = _cover(rule, table, dataset)
            if cover is None:
                undated.append(rule.key)
                notes.append(f"rule {rule.key} covers {name}, but no column of {name} or of its relatives starts "
                             f"the {rule.clock.value if rule.clock else '?'} clock: it keeps every row")
            else:
                covers.append(cover)
        if not covers and not undated:
            continue
        covers = _narrowed(covers, table)
        deciding = deciding_rule(covers)
        if deciding and deciding.aggregate and table.summary is None:
            notes.append(f"rule {deciding.rule} asks for aggregates before deletion, but {name} names no summary "
                         "table in the dataset: rows go without aggregates")
        compiled.append(TableRetention(dataset.name, name, tuple(covers), deciding, tuple(undated), tuple(notes)))
    return compiled


def _applies(rule: RetentionRule, table: Table) -> bool:
    if not set(rule.activities) & set(table.activities):
        return False
    if rule.data_subjects and table.data_subjects and not set(rule.data_subjects) & set(table.data_subjects):
        return False
    return not rule.categories or bool(matching_columns(rule, table))


def _cover(rule: RetentionRule, table: Table, dataset: Dataset) -> Cover | None:
    base = dict(rule=rule.key, table=table.name, action=Action(rule.action.value),
                period=Duration.parse(rule.duration) if rule.duration else None, clock=rule.clock.value if rule.clock else None,
                columns=tuple(matching_columns(rule, table)) if rule.categories else None,
                archive_for=Duration.parse(rule.archive_for) if rule.archive_for else None,
                while_open=rule.while_open.value if rule.while_open else None,
                legal_basis=rule.legal_basis.value if rule.legal_basis else None,
                legal_reference=rule.legal_reference, minimum=rule.minimum,
                aggregate=rule.aggregate_before_delete, optional_clock=rule.clock in OPTIONAL_CLOCKS)
    if rule.action is RetentionAction.archive and rule.archive_for is None:
        base["archive_for"] = Duration()
    if rule.while_open is not None and rule.duration is None:
        return Cover(**base, clock_column=None)
    assert rule.clock is not None
    if rule.clock is RetentionClock.last_order:
        found = _latest_person(table, rule.clock, dataset)
        if found is not None:
            return found(base)
    own_or_up = _up(table.name, rule.clock, dataset)
    if own_or_up is not None:
        column, via = own_or_up
        return Cover(**base, clock_column=column, via=via)
    down = _down(table.name, rule.clock, dataset)
    if down is not None:
        column, via = down
        return Cover(**base, clock_column=column, via=via, derived="latest_child")
    return None


def _up_edges(dataset: Dataset) -> dict[str, list[Join]]:
    up: dict[str, list[Join]] = {}
    for ref in references(dataset):
        up.setdefault(ref.child, []).append(Join(ref.child, ref.column, ref.parent, ref.parent_column, True))
    return up


def _clock_column(table: Table | None, clock: RetentionClock) -> str | None:
    if table is None:
        return None
    return next((c.name for c in table.columns if clock in c.clocks), None)


def _up(start: str, clock: RetentionClock, dataset: Dataset) -> tuple[tuple[str, str], tuple[Join, ...]] | None:
    """The nearest column starting ``clock``: in the table itself, else up the references."""
    up = _up_edges(dataset)
    routes: dict[str, tuple[Join, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        column = _clock_column(dataset.table(here), clock)
        if column is not None:
            return (here, column), routes[here]
        for join in up.get(here, []):
            if join.to_table not in routes:
                routes[join.to_table] = (*routes[here], join)
                queue.append(join.to_table)
    return None


def _down(start: str, clock: RetentionClock, dataset: Dataset) -> tuple[tuple[str, str], tuple[Join, ...]] | None:
    """A child table (one reference down) holding the clock: the latest of the children dates the row."""
    for ref in references(dataset):
        if ref.parent == start and ref.child != start:
            column = _clock_column(dataset.table(ref.child), clock)
            if column is not None:
                return (ref.child, column), (Join(ref.child, ref.column, ref.parent, ref.parent_column, True),)
    return None


def _latest_person(table: Table, clock: RetentionClock, dataset: Dataset):  # type: ignore[no-untyped-def]
    """``last_order``: the latest clock of the person's rows. The clock's table must reach the
    person's table (an identity table) in one reference; ``table`` reaches it by any path up."""
    holder = next((t for t in dataset.tables if _clock_column(t, clock)), None)
    if holder is None:
        return None
    up = _up_edges(dataset)
    link = next((j for j in up.get(holder.name, []) if _is_identity_table(dataset.table(j.to_table))), None)
    if link is None:
        return None
    route = _route_up(table.name, link.to_table, up)
    if route is None:
        return None
    column = (holder.name, _clock_column(holder, clock))

    def build(base: dict) -> Cover:  # type: ignore[type-arg]
        return Cover(**base, clock_column=column, via=route, derived="latest_person", link=(link,))  # type: ignore[arg-type]

    return build


def _is_identity_table(table: Table | None) -> bool:
    return table is not None and any(c.identity is not None for c in table.columns)


def _route_up(start: str, goal: str, up: dict[str, list[Join]]) -> tuple[Join, ...] | None:
    routes: dict[str, tuple[Join, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            return routes[here]
        for join in up.get(here, []):
            if join.to_table not in routes:
                routes[join.to_table] = (*routes[here], join)
                queue.append(join.to_table)
    return None


def _narrowed(covers: list[Cover], table: Table) -> list[Cover]:
    """A rule about a narrower category held by one column (the deferred-debit flag of a card
    proof) covers only the rows where that column is set, when a broader rule covers the table."""
    from dataclasses import replace

    out = []
    for cover in covers:
        flag = None
        if cover.columns is not None and len(cover.columns) == 1:
            mine = set(cover.columns)
            if any(o is not cover and o.columns is not None and mine < set(o.columns) for o in covers):
                flag = cover.columns[0]
        out.append(replace(cover, only_where=flag) if flag else cover)
    return out
