"""The notice's own words read back: a category or purpose named by its usual label gives its key.

One vocabulary, two directions: the render names each fideslang key with a label
(:mod:`egide.notice.taxonomy_labels`) and a policy that lists "Adresse e-mail" or "Répondre à
vos demandes" as an item names the same key. The maps here are derived from the render's tables,
folded for matching; a register's own taxonomy adds the names it gives the keys fideslang lacks
(so a company re-importing its published notice, or a new version of its policy, gets its own keys
back). A label counts only as the head of a list item or table cell (the words before " : ", a
requirement in brackets left out): as words in a sentence, "nom" or "langue" say too little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from egide.notice.importer.text import fold
from egide.notice.taxonomy_labels import keys_by_label
from egide.register.model import CustomTaxonomy, TaxonomyEntry

_HEAD_END = re.compile(r"\s+:\s|\s+:$|\.\s|\.$|;")
_TRAILING_BRACKET = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Labels:
    """Folded label -> key, for data categories and data uses, with the custom entries they come from."""

    categories: dict[str, str]
    uses: dict[str, str]
    custom_categories: tuple[TaxonomyEntry, ...] = ()
    custom_uses: tuple[TaxonomyEntry, ...] = ()

    def category(self, norm: str) -> str | None:
        """The category an item names by its label ("adresse e-mail (obligatoire). source : ...")."""
        return _lookup(self.categories, norm)

    def use(self, norm: str) -> str | None:
        """The data use an item names by its label ("repondre a vos demandes : ...")."""
        return _lookup(self.uses, norm)

    def entry(self, key: str) -> TaxonomyEntry | None:
        """The register's own entry for a key it adds to fideslang, if any."""
        return next((e for e in self.custom_categories + self.custom_uses if e.key == key), None)


def item_head(norm: str) -> str:
    """The words that name an item: before " : ", a full stop or a semicolon."""
    return norm[:head_end(norm)].strip(" .,;-*_")


def head_end(norm: str) -> int:
    match = _HEAD_END.search(norm)
    return match.start() if match else len(norm)


def _lookup(table: dict[str, str], norm: str) -> str | None:
    head = item_head(norm)
    if head in table:
        return table[head]
    shorter = _TRAILING_BRACKET.sub("", head)  # "adresse e-mail (obligatoire)"
    return table.get(shorter) if shorter != head else None


def labels(taxonomy: CustomTaxonomy | None = None) -> Labels:
    if taxonomy is None:
        return _default_labels()
    return Labels(_folded(keys_by_label("data_category", taxonomy)), _folded(keys_by_label("data_use", taxonomy)),
                  tuple(taxonomy.data_categories), tuple(taxonomy.data_uses))


@lru_cache(maxsize=1)
def _default_labels() -> Labels:
    return Labels(_folded(keys_by_label("data_category")), _folded(keys_by_label("data_use")))


def _folded(table: dict[str, str]) -> dict[str, str]:
    return {" ".join(fold(label).split()): key for label, key in table.items()}
