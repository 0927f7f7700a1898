"""The docs' worked examples for gates and reviewers are real: each input line, run through the
command shown, gives the output line shown. (Every rule-file key is checked in tests/test_docs.py.)"""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import doc_section, run_cli


@pytest.mark.parametrize(("name", "command"), [("gates", "gate-check"), ("reviewers", "reviewers")])
def test_worked_example_is_what_the_command_answers(name: str, command: str) -> None:
    body = doc_section(name)
    assert f"gradegate {command} " in body
    blocks = re.findall(r"```json\n(.*?)\n```", body, re.S)
    assert len(blocks) == 2, f"{name}: expected an input line and an output line"
    given, shown = blocks
    proc = run_cli(command, "-", input=given + "\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(shown)
