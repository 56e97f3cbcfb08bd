"""fideslang's default taxonomy, extended by a register's own declared keys.

The taxonomy is loaded once per process (fideslang builds it from Python literals) and
only read afterwards.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Taxonomy:
    data_categories: frozenset[str]
    data_uses: frozenset[str]
    data_subjects: frozenset[str]

    def extended(
        self,
        data_categories: set[str] = frozenset(),  # type: ignore[assignment]
        data_uses: set[str] = frozenset(),  # type: ignore[assignment]
        data_subjects: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> "Taxonomy":
        return Taxonomy(
            self.data_categories | frozenset(data_categories),
            self.data_uses | frozenset(data_uses),
            self.data_subjects | frozenset(data_subjects),
        )

    def keys(self, kind: str) -> frozenset[str]:
        return {"data_category": self.data_categories, "data_use": self.data_uses,
                "data_subject": self.data_subjects}[kind]


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    from fideslang import DEFAULT_TAXONOMY

    return Taxonomy(
        frozenset(c.fides_key for c in DEFAULT_TAXONOMY.data_category),
        frozenset(u.fides_key for u in DEFAULT_TAXONOMY.data_use),
        frozenset(s.fides_key for s in DEFAULT_TAXONOMY.data_subject),
    )


def closest(key: str, known: frozenset[str]) -> str | None:
    """The known key most like ``key``: a close spelling first, then the same leaf under another parent."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
    if close:
        return close[0]
    leaf = key.rsplit(".", 1)[-1]
    same_leaf = sorted(k for k in known if k.rsplit(".", 1)[-1] == leaf)
    if same_leaf:
        return same_leaf[0]
    matches = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if matches:
        return matches[0]
    leaves = {k.rsplit(".", 1)[-1]: k for k in sorted(known)}
    leaf_matches = difflib.get_close_matches(leaf, sorted(leaves), n=1, cutoff=0.7)
    return leaves[leaf_matches[0]] if leaf_matches else None


def covers(general: str, specific: str) -> bool:
    """True when ``general`` is ``specific`` or one of its ancestors (user.contact covers user.contact.email)."""
    return specific == general or specific.startswith(general + ".")
