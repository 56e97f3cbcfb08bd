"""Helpers to build registers from dicts in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from egide.register.lint import Finding, lint_register
from egide.register.loader import LoadedRegister, load_register
from tests.conftest import dump_yaml


def load_dict(data: dict[str, Any], tmp_path: Path, name: str = "register.yaml") -> LoadedRegister:
    return load_register(dump_yaml(data, tmp_path / name))


def lint_dict(data: dict[str, Any], tmp_path: Path) -> list[Finding]:
    return lint_register(load_dict(data, tmp_path))


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}
