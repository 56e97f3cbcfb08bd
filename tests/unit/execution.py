"""Helpers for the tests of executed rights: the shop's dataset and seed 002's register, with its
ten-year proof-of-contract rule (the notice says "la durée prévue par la loi"; accounting law says
ten years) and without it."""

from __future__ import annotations

from functools import lru_cache

from egide.datasets.loader import load_dataset
from egide.datasets.model import Dataset
from egide.register.loader import load_register, parse_register
from egide.register.model import Register
from tests.unit.datasets import OKASIO, SHOP_DATASET



@lru_cache(maxsize=1)
def shop_dataset() -> Dataset:
    return load_dataset(SHOP_DATASET).dataset


@lru_cache(maxsize=1)
def okasio() -> Register:
    """Seed 002 without its proof-of-contract rule: nothing in the register keeps invoices."""
    text = OKASIO.read_text(encoding="utf-8")
    start = text.index("  - key: proof-of-contract\n")
    end = text.index("  - key: ", start + 10)
    return parse_register(text[:start] + text[end:], str(OKASIO)).register


@lru_cache(maxsize=1)
def okasio_with_invoices() -> Register:
    """Seed 002 as written: invoices kept ten years (Code de commerce, art. L123-22)."""
    return load_register(OKASIO).register
