"""Generated docs match the code: a new command, setting, rule or field cannot go undocumented."""

from __future__ import annotations

import pytest

from egide.adapters.cli.reference import GENERATED
from egide.register.schema import register_markdown
from tests.conftest import ROOT

DOCS = ROOT / "docs"


@pytest.mark.parametrize("name", sorted({**GENERATED, "register.md": register_markdown}))
def test_generated_doc_is_up_to_date(name):
    build = {**GENERATED, "register.md": register_markdown}[name]
    assert (DOCS / name).read_text(encoding="utf-8") == build(), (
        f"docs/{name} is stale: run `python -m egide.adapters.cli.reference docs`")


def test_readme_starts_with_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    fence = readme.index("```sh")
    demo, tests = readme[fence + 1], readme[fence + 2]
    assert readme[fence + 3] == "```"
    assert "egide demo" in demo
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), "`.ci/run` must call the README's test command"
