"""Helpers to build dataset files from dicts in tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from egide.datasets.loader import LoadedDataset, load_dataset
from tests.conftest import EXAMPLES, ROOT, dump_yaml

SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
FIDES_SHOP = ROOT / "examples" / "datasets" / "fides-shop.yml"
OKASIO = EXAMPLES / "002-okasio.yaml"

SMALL: dict[str, Any] = {
    "egide_dataset": 1,
    "name": "small",
    "tables": [
        {"name": "customers", "activities": ["customers"], "primary_key": ["id"], "columns": [
            {"name": "id", "identity": "customer_id"},
            {"name": "email", "identity": "email", "data_categories": ["user.contact.email"]},
            {"name": "created_at", "clocks": ["collection"]},
            {"name": "closed_at", "clocks": ["contract_end"]},
        ]},
        {"name": "orders", "activities": ["customers"], "primary_key": ["id"], "columns": [
            {"name": "id"},
            {"name": "customer_id", "references": "customers.id"},
            {"name": "shipping_name", "data_categories": ["user.name"]},
        ]},
    ],
}


def small() -> dict[str, Any]:
    """A two-table dataset that holds against the clean register of tests/conftest.py."""
    return copy.deepcopy(SMALL)


def load_dict(data: dict[str, Any], tmp_path: Path, name: str = "dataset.yaml") -> LoadedDataset:
    return load_dataset(dump_yaml(data, tmp_path / name))


def line_of(path: Path, number: int | None) -> str:
    assert number is not None, "the problem has no line"
    return path.read_text(encoding="utf-8").splitlines()[number - 1]
