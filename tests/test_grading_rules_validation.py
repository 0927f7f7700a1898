"""A broken grading rule file is refused with messages naming the file, the line and the place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gradegate.scoring.errors import RuleDefinitionError
from gradegate.scoring.grading.ruleset import GradingRuleSet
from gradegate.scoring.rulefile import parse_yaml
from tests.helpers import RULES, run_cli

DEFAULT = (RULES / "grading.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


# (what is changed: old → new text, reason code expected, words the message must hold, the line it points at)
BROKEN = [
    ("threshold: 40", "threshold: 101", "threshold_unreachable", "above the maximum score 100", "threshold: 101"),
    ("threshold: 40", "treshold: 40", "unknown_key", "'treshold'", "treshold: 40"),
    ("{from: 1000000, below: 5000000, points: 10}", "{from: 900000, below: 5000000, points: 10}",
     "band_overlap", "overlap", "{from: 900000"),
    ("{from: 1000000, below: 5000000, points: 10}", "{from: 1100000, below: 5000000, points: 10}",
     "band_gap", "gap", "{from: 1100000"),
    ("      - {from: 0, below: 1000000, points: 5}\n      - {from: 1000000, below: 5000000, points: 10}",
     "      - {from: 1000000, below: 5000000, points: 10}\n      - {from: 0, below: 1000000, points: 5}",
     "band_order", "out of order", "{from: 0, below: 1000000"),
    ("{from: 50000000, points: 25}", "{from: 50000000, below: 90000000, points: 25}", "band_gap",
     "upper limit", "{from: 50000000, below"),
    ("      general: {label: 一般, points: 2}\n", "", "unscored_value", "'general'", "values:"),
    ("      general: {label: 一般, points: 2}", "      general: {label: 一般, points: 2}\n      vip: {label: 贵宾, points: 3}",
     "unknown_value", "'vip'", "vip:"),
    ("core: {label: 战略核心, points: 15}", "core: {label: 战略核心, points: -15}", "greater_than_equal",
     "greater than or equal to 0", "core:"),
    ("field: amount_rmb", "field: amount", "unknown_field", "amount_rmb", "field: amount"),
    ("{code: low, label: 低, points: 1}", "{code: low, label: 低, points: 1, when: {high: {at_most: 0}}}",
     "risk_no_otherwise", "otherwise", "{code: low"),
    ("{equals: 2, points: 4}", "{equals: 2, points: 4, colour: red}", "unknown_key", "'colour'", "colour: red"),
    ("important: {label: 重要, points: 8}", "important: {label: 战略核心, points: 8}", "ambiguous_label",
     "战略核心", "important:"),
    ("  company: 公司级\n", "  company: 公司级\n  company: 集团级\n", "duplicate_key", "given twice", "集团级"),
    ("{from: 5000000, below: 20000000, points: 15}", "{from: 5000000 below: 20000000, points: 15}", "yaml_syntax",
     "YAML syntax", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "reason", "words", "line_text"), BROKEN, ids=[b[2] + "-" + b[3][:12] for b in BROKEN]
)
def test_broken_rule_file_is_refused(
    tmp_path: Path, old: str, new: str, reason: str, words: str, line_text: str | None
) -> None:
    assert old in DEFAULT
    text = DEFAULT.replace(old, new, 1)
    path = tmp_path / "grading.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleDefinitionError) as caught:
        GradingRuleSet.load(path)
    issues = [i for i in caught.value.issues if i.reason == reason]
    assert issues, [str(i) for i in caught.value.issues]
    issue = issues[0]
    assert issue.file == str(path)
    assert words in issue.message
    if line_text is not None:
        assert issue.line == _line_of(text, line_text), str(issue)
    else:
        assert issue.line is not None


def test_rules_check_cli_reports_every_problem_and_fails(rules_copy: Path) -> None:
    path = rules_copy / "grading.yaml"
    text = DEFAULT.replace("threshold: 40", "threshold: 40\nmood: happy").replace(
        "{from: 1000000, below: 5000000, points: 10}", "{from: 1000000, below: 5000000, points: -1}"
    )
    path.write_text(text, encoding="utf-8")
    result = run_cli("rules", "check", "--rules", rules_copy)
    assert result.returncode == 1
    assert f"{path}:{_line_of(text, 'mood: happy')}" in result.stderr and "'mood'" in result.stderr
    assert f"{path}:{_line_of(text, 'points: -1')}: criteria[0].bands[1].points" in result.stderr
    assert "Traceback" not in result.stderr
    # nothing graded with broken rules
    out = rules_copy / "out.csv"
    graded = run_cli("grade", "../shared/cases/grading_public_input.csv", "-o", out, "--rules", rules_copy)
    assert graded.returncode == 1 and not out.exists()


def test_rules_check_prints_identity_and_summary() -> None:
    result = run_cli("rules", "check")
    assert result.returncode == 0, result.stderr
    ruleset = GradingRuleSet.load(RULES / "grading.yaml")
    for text in ("default-grading", ruleset.identity.version, ruleset.identity.hash, "满分", "100", "公司级"):
        assert text in result.stdout


def test_vocabulary_lists_fields_and_codes() -> None:
    result = run_cli("rules", "vocabulary")
    assert result.returncode == 0
    for text in ("amount_rmb", "strategic_status", "sole_supplier", "contract_terms", "equals"):
        assert text in result.stdout


def _pure(text: str) -> tuple[list[tuple[str, int]], object]:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return _lines(node), yaml.safe_load(text)


def _lines(node: yaml.Node | None) -> list[tuple[str, int]]:
    if node is None:
        return []
    out = [(node.tag, node.start_mark.line)]
    for item in node.value if isinstance(node.value, list) else []:
        for child in item if isinstance(item, tuple) else (item,):
            out.extend(_lines(child))
    return out


@pytest.mark.parametrize(
    "text",
    [
        *(p.read_text(encoding="utf-8") for p in sorted(RULES.rglob("*.yaml"))),
        "base: &b {points: 1}\nitem:\n  <<: *b\n  label: x\n",  # a merge key: the node tree stays as written
        DEFAULT.replace("{from: 5000000, below: 20000000, points: 15}", "{from: 5000000 below: 20000000"),
        "a: 1\n\tb: 2\n",
        "a: *nowhere\n",
        "a: !!python/object:os.system x\n",
    ],
)
def test_rule_files_read_alike_by_libyaml_and_pure_pyyaml(text: str) -> None:
    """Rule files are parsed by libyaml when present (fast); the data, the lines and every error are
    PyYAML's own, so messages do not depend on how PyYAML was installed."""
    try:
        want: object = _pure(text)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)) as got:
            parse_yaml(text)
        assert str(got.value) == str(exc)
        return
    node, data = parse_yaml(text)
    assert (_lines(node), data) == want
