"""The docs (README and docs/) keep up with the code: every command and every rule-file key is documented."""

from __future__ import annotations

import json
import re
import typing

import pytest
import typer.main
from pydantic import BaseModel

from gradegate.cli.main import app
from gradegate.scoring.gates.model import GateRules
from gradegate.scoring.grading.model import GradingRules
from gradegate.scoring.reviewers.model import ReviewerRules
from gradegate.scoring.tables.model import TableRules
from gradegate.scoring.vocabulary import STAGES
from tests.helpers import DOCS as DOCS_DIR
from tests.helpers import ROOT, doc_section, docs_text, run_cli

DOCS = docs_text()
README = ROOT / "README.md"
GUIDES = [README, *sorted(DOCS_DIR.glob("*.md"))]


def _commands(group: typer.Typer, prefix: str = "gradegate") -> list[str]:
    click_group = typer.main.get_command(group)
    out: list[str] = []

    def walk(cmd, path: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{path} {name}")
        else:
            out.append(path)

    walk(click_group, prefix)
    return out


def _keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for arg in _models_in(field.annotation):
            keys |= _keys(arg)
    return keys


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@pytest.mark.parametrize("command", _commands(app))
def test_every_command_has_its_section_in_the_cli_reference(command: str) -> None:
    cli = doc_section("cli")
    family = " ".join(command.split()[:2])  # `gradegate keys` documents create, list and revoke
    assert re.search(rf"^### .*{re.escape(family)}\b", cli, re.M), f"no section for `{family}` in docs/cli.md"
    assert command in cli, f"`{command}` is not shown in docs/cli.md"


RULE_SECTIONS = {
    GradingRules: "analysts",
    GateRules: "analysts-gates",
    ReviewerRules: "analysts-reviewers",
    TableRules: "analysts-tables",
}


@pytest.mark.parametrize("model", list(RULE_SECTIONS), ids=lambda m: m.__name__)
def test_every_rule_file_key_is_in_the_analysts_guide(model: type[BaseModel]) -> None:
    """Every key a rule file may hold, nested ones included, in that file's section of docs/analysts.md."""
    body = doc_section(RULE_SECTIONS[model])
    missing = sorted(k for k in _keys(model) if f"`{k}`" not in body and f"`{k}[]`" not in body)
    assert missing == []


def test_every_stage_a_gate_may_name_is_in_the_analysts_guide() -> None:
    body = doc_section("analysts-gates")
    assert [s for s in STAGES if f"`{s}` {STAGES[s]}" not in body] == []


def test_the_readme_stays_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= 250, f"README.md has {lines} lines; guides belong in docs/"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (CJK kept), spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # headings inside code blocks are not headings
    return {_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_relative_link_resolves(guide) -> None:
    """Links between README.md and docs/*.md point at files that exist, and at headings they have."""
    text = re.sub(r"```.*?```", "", guide.read_text(encoding="utf-8"), flags=re.S)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):  # http:, https:, mailto: — not ours to check here
            continue
        target, _, anchor = link.partition("#")
        path = (guide.parent / target).resolve() if target else guide
        if not path.exists():
            broken.append(f"{link}: no file {path}")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link}: no heading #{anchor} in {path.name}")
    assert broken == []


def test_the_readme_examples_run_as_written(tmp_path) -> None:
    """The README's one-line examples, through the real CLI: each request is accepted and decided."""
    text = README.read_text(encoding="utf-8")
    piped = re.findall(r"echo '(\{.*?\})' \\\n\s*\| gradegate ([\w-]+) -", text)
    assert {command for _, command in piped} == {"gate-check", "reviewers"}
    for line, command in piped:
        proc = run_cli(command, "-", input=line + "\n")
        assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    # The HTTP example's project, graded by the same core the route uses (no rejected field).
    (body,) = re.findall(r"-d '(\{.*?\})'", text, re.S)
    projects = tmp_path / "readme.jsonl"
    projects.write_text(json.dumps(json.loads(body), ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run_cli("grade", projects, "-o", tmp_path / "graded.csv")
    assert proc.returncode == 0, proc.stderr
