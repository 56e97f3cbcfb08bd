"""The reference graph of a dataset: in which order rows can be erased, and how each table's
rows reach the person.

A reference ``orders.customer_id -> customers.id`` makes ``orders`` a child of ``customers``.
Erasing children before parents never leaves a row pointing at a deleted one; references
that loop (a table pointing at itself, or two tables at each other) are reported as cycles,
which erasure must break by nulling a column first.

To reach the person, references are followed both ways: ``order_items`` reaches ``customers``
through ``orders`` (child to parent), an ``addresses`` table referenced by ``customers`` is
reached from its child. Each table gets the shortest path to every identity column.
Pure functions of the dataset: no database, no I/O.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from egide.datasets.model import Dataset
from egide.domain.identity import IdentifierKind


@dataclass(frozen=True)
class Reference:
    """``child.column`` holds values of ``parent.parent_column``."""

    child: str
    column: str
    parent: str
    parent_column: str

    def __str__(self) -> str:
        return f"{self.child}.{self.column} -> {self.parent}.{self.parent_column}"


@dataclass(frozen=True)
class Join:
    """One step of a path: rows of ``table`` whose ``column`` equals ``to_table.to_column``."""

    table: str
    column: str
    to_table: str
    to_column: str
    upward: bool  # True when following the reference from child to parent

    def sql(self) -> str:
        return f"{self.table}.{self.column} = {self.to_table}.{self.to_column}"


@dataclass(frozen=True)
class IdentityPath:
    """How rows of ``table`` reach the identity column ``identity_table.identity_column``."""

    table: str
    joins: tuple[Join, ...]
    identity_table: str
    identity_column: str
    kind: IdentifierKind

    def __str__(self) -> str:
        hops = " -> ".join([self.table, *(j.to_table for j in self.joins)])
        return f"{hops} ({self.identity_table}.{self.identity_column}: {self.kind.value})"


@dataclass(frozen=True)
class ErasureOrder:
    """Tables with children before parents; ``cycles`` lists the groups of tables that reference
    each other (each group is placed together, in file order)."""

    tables: tuple[str, ...]
    cycles: tuple[tuple[str, ...], ...]


def references(dataset: Dataset) -> list[Reference]:
    return [Reference(t.name, c.name, *target)
            for t in dataset.tables for c in t.columns if (target := c.referenced()) is not None]


def erasure_order(dataset: Dataset) -> ErasureOrder:
    """Children before parents (Kahn's algorithm on the groups of mutually referencing tables)."""
    names = [t.name for t in dataset.tables]
    rank = {name: i for i, name in enumerate(names)}
    parents: dict[str, set[str]] = {name: set() for name in names}
    for ref in references(dataset):
        if ref.child in parents and ref.parent in parents:
            parents[ref.child].add(ref.parent)
    groups = _strongly_connected(names, parents)
    group_of = {name: g for g, members in enumerate(groups) for name in members}
    children_left = {g: 0 for g in range(len(groups))}  # groups whose rows still point at g
    group_parents: dict[int, set[int]] = {g: set() for g in range(len(groups))}
    for child, targets in parents.items():
        for parent in targets:
            if group_of[child] != group_of[parent] and group_of[parent] not in group_parents[group_of[child]]:
                group_parents[group_of[child]].add(group_of[parent])
                children_left[group_of[parent]] += 1

    def first(g: int) -> int:  # file order breaks ties
        return min(rank[n] for n in groups[g])

    ready = sorted((g for g, n in children_left.items() if n == 0), key=first)
    order: list[str] = []
    while ready:
        g = ready.pop(0)
        order += sorted(groups[g], key=rank.__getitem__)
        for parent in group_parents[g]:
            children_left[parent] -= 1
            if children_left[parent] == 0:
                ready.append(parent)
        ready.sort(key=first)
    cycles = tuple(tuple(sorted(members, key=rank.__getitem__)) for members in groups
                   if len(members) > 1 or next(iter(members)) in parents[next(iter(members))])
    return ErasureOrder(tuple(order), tuple(sorted(cycles, key=lambda c: rank[c[0]])))


def identity_paths(dataset: Dataset) -> dict[str, list[IdentityPath]]:
    """For each table, the shortest path to every identity column of the dataset (a table's own
    identity columns have an empty path). A table absent from the answer reaches no identity."""
    edges: dict[str, list[Join]] = {t.name: [] for t in dataset.tables}
    for ref in references(dataset):
        if ref.child in edges and ref.parent in edges:
            edges[ref.child].append(Join(ref.child, ref.column, ref.parent, ref.parent_column, True))
            edges[ref.parent].append(Join(ref.parent, ref.parent_column, ref.child, ref.column, False))
    paths: dict[str, list[IdentityPath]] = {}
    for table in dataset.tables:
        routes = _shortest_routes(table.name, edges)
        found = [IdentityPath(table.name, routes[other.name], other.name, column.name, column.identity)
                 for other, column in dataset.identity_columns() if other.name in routes and column.identity]
        if found:
            paths[table.name] = sorted(found, key=lambda p: len(p.joins))
    return paths


def _shortest_routes(start: str, edges: dict[str, list[Join]]) -> dict[str, tuple[Join, ...]]:
    routes: dict[str, tuple[Join, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for join in edges[here]:
            if join.to_table not in routes:
                routes[join.to_table] = (*routes[here], join)
                queue.append(join.to_table)
    return routes


def _strongly_connected(names: list[str], parents: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a schema of hundreds of tables must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0
    for root in names:
        if root in index:
            continue
        work = [(root, iter(sorted(parents[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(parents[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
