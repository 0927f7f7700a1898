"""Scenario tests beside the rules: `scenarios/*.yaml`, each a list of cases.

    - name: big core project is company-level
      decision: grading            # grading | gates | reviewers | a table code
      input: {project_id: S1, amount_rmb: 12000000, ...}
      expect: {level: company, total_score: 54}     # or expect_error: {field: amount_rmb}

`expect` is a partial match: only the keys given are compared, recursively into
objects; a list must hold exactly the items given, in order (an object among them
compared by the keys given, so `[{role: legal_signatory}]` pins the roles); a scalar
must be equal (true is not 1). A scenario file that cannot be
read is a rule-definition problem (file:line), like a broken rule file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gradegate.scoring.errors import InputError, RuleDefinitionError, RuleIssue
from gradegate.scoring.lifecycle.kinds import decider, kinds
from gradegate.scoring.messages import render
from gradegate.scoring.rulesets import RuleSets

SCENARIO_DIR = "scenarios"


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    decision: str = Field(min_length=1)
    input: dict[str, Any]
    expect: dict[str, Any] | None = None
    expect_error: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_expectation(self) -> Scenario:
        if (self.expect is None) == (self.expect_error is None):
            raise ValueError("give exactly one of `expect` and `expect_error`")
        return self


@dataclass(frozen=True)
class Located:
    scenario: Scenario
    file: str
    line: int


@dataclass(frozen=True)
class Failure:
    file: str
    line: int
    name: str
    decision: str
    what: str  # `key: 应为 X，实为 Y` lines, or why the case could not run

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.name} ({self.decision}):\n    " + self.what.replace("\n", "\n    ")


@dataclass(frozen=True)
class ScenarioReport:
    passed: int
    failures: list[Failure]

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def summary(self) -> str:
        return render("scenarios.summary", "zh", passed=self.passed, failed=len(self.failures))


def load_scenarios(directory: Path, rulesets: RuleSets) -> list[Located]:
    """Every case of `directory/scenarios/*.yaml`, in file order; RuleDefinitionError naming each bad case."""
    folder = Path(directory) / SCENARIO_DIR
    known = kinds(rulesets)
    found: list[Located] = []
    issues: list[RuleIssue] = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        file = f"{SCENARIO_DIR}/{path.name}"
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"))
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            issues.append(RuleIssue(file, None, "", "malformed", f"not readable YAML: {exc}"))
            continue
        if data is None:
            continue
        if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
            issues.append(RuleIssue(file, 1, "", "not_a_list", "a scenario file is a list of cases (- name: …)"))
            continue
        for i, (item, item_node) in enumerate(zip(data, node.value, strict=True)):
            line = item_node.start_mark.line + 1
            try:
                case = Scenario.model_validate(item)
            except ValidationError as exc:
                for err in exc.errors():
                    where = ".".join(str(p) for p in err["loc"]) or "case"
                    issues.append(RuleIssue(file, line, f"case {i + 1} {where}", err["type"], err["msg"]))
                continue
            if case.decision not in known:
                message = f"unknown decision {case.decision!r}; this folder decides {', '.join(known)}"
                issues.append(RuleIssue(file, line, f"case {i + 1} decision", "unknown_decision", message))
                continue
            found.append(Located(case, file, line))
    if issues:
        raise RuleDefinitionError(issues)
    return found


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """`key: 应为 X，实为 Y` for every given key that differs (objects partially, the rest exactly)."""
    where = path or render("scenario.answer", "zh")
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [_differs("scenario.object", where, expected, actual)]
        out: list[str] = []
        for key, want in expected.items():
            inner = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(render("scenario.no_key", "zh", where=inner, want=_show(want)))
            else:
                out.extend(mismatches(want, actual[key], inner))
        return out
    if isinstance(expected, list):
        # Same items in the same order; an object inside is compared by the keys given.
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [_differs("scenario.differs", where, expected, actual)]
        pairs = enumerate(zip(expected, actual, strict=True))
        if any(mismatches(want, got, f"{path}[{i}]") for i, (want, got) in pairs):
            return [_differs("scenario.differs", where, expected, actual)]
        return []
    # true is not 1: a boolean matches only the same boolean
    same = expected is actual if bool in (type(expected), type(actual)) else expected == actual
    if same:
        return []
    return [_differs("scenario.differs", where, expected, actual)]


def _differs(key: str, where: str, expected: Any, actual: Any) -> str:
    return render(key, "zh", where=where, want=_show(expected), got=_show(actual))


def _show(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def run_case(rulesets: RuleSets, case: Scenario) -> list[str]:
    """What differs between the case's expectation and the rules' answer (empty: it passes)."""
    decide = decider(rulesets, case.decision)
    assert decide is not None  # load_scenarios refuses unknown decisions
    try:
        answer = decide(rulesets, case.input)
    except InputError as exc:
        issues = [i.to_dict() for i in exc.issues]
        if case.expect_error is not None:
            if any(not mismatches(case.expect_error, issue) for issue in issues):
                return []
            return [render("scenario.other_errors", "zh", want=_show(case.expect_error), got=_show(issues))]
        return [render("scenario.input_error", "zh", want=_show(case.expect), error=exc)]
    if case.expect_error is not None:
        return [render("scenario.no_error", "zh", want=_show(case.expect_error), got=_show(_brief(answer)))]
    assert case.expect is not None
    return mismatches(case.expect, answer)


def _brief(answer: dict[str, Any]) -> dict[str, Any]:
    keys = ("level", "total_score", "ready", "required_roles", "decision_authority")
    return {k: answer[k] for k in keys if k in answer} or answer


def run_scenarios(directory: Path, rulesets: RuleSets) -> ScenarioReport:
    """Run every scenario of the folder against its (already loaded) rules."""
    passed, failures = 0, []
    for located in load_scenarios(directory, rulesets):
        case = located.scenario
        problems = run_case(rulesets, case)
        if problems:
            failures.append(Failure(located.file, located.line, case.name, case.decision, "\n".join(problems)))
        else:
            passed += 1
    return ScenarioReport(passed, failures)
