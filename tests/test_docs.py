"""The docs (README and docs/) keep up with the code: every command and every rule-file key is documented."""

from __future__ import annotations

import re
import typing

import pytest
import typer.main
from pydantic import BaseModel

from gradegate.cli.main import app
from gradegate.scoring.gates.model import GateRules
from gradegate.scoring.grading.model import GradingRules
from gradegate.scoring.reviewers.model import ReviewerRules
from tests.helpers import docs_text

DOCS = docs_text()


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
def test_every_command_has_its_docs_section(command: str) -> None:
    family = " ".join(command.split()[:2])  # `gradegate keys` documents create, list and revoke
    assert re.search(rf"^### .*{re.escape(family)}\b", DOCS, re.M), f"no docs section for `{family}`"
    assert command in DOCS, f"`{command}` is not shown in the docs"


@pytest.mark.parametrize("model", [GradingRules, GateRules, ReviewerRules], ids=lambda m: m.__name__)
def test_every_rule_file_key_is_documented(model: type[BaseModel]) -> None:
    missing = sorted(k for k in _keys(model) if f"`{k}`" not in DOCS and f"`{k}[]`" not in DOCS)
    assert missing == []


def test_scenario_keys_and_lifecycle_options_are_documented() -> None:
    from gradegate.scoring import Scenario

    missing = sorted(k for k in Scenario.model_fields if f"`{k}`" not in DOCS)
    assert missing == []
    for text in (
        "`effective_from`",
        "--as-of",
        "--effective-from",
        "?as_of=",
        "changes.csv",
        "summary.csv",
        "replay.html",
    ):
        assert text in DOCS, text
