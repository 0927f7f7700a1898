"""A decision table, the public face: load its file, decide one record through
durable_rules, describe its inputs and outputs for the CLI, the API and the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gradegate.scoring.engine import CompiledOnce
from gradegate.scoring.identity import RuleSetIdentity, RulesetRef
from gradegate.scoring.rulefile import load_rule_file
from gradegate.scoring.tables.checks import can_be_blank, table_problems
from gradegate.scoring.tables.conditions import Check, checks_of
from gradegate.scoring.tables.engine import TableEngine
from gradegate.scoring.tables.input import InputParser, Value
from gradegate.scoring.tables.model import TableRules
from gradegate.scoring.tables.result import Outcome, Outcomes, TableResult, derived_entries

TABLES_DIR = "tables"


class TableRuleSet:
    """One validated decision table with its compiled engine."""

    def __init__(self, rules: TableRules, identity: RuleSetIdentity):
        self.rules = rules
        self.identity = identity
        self.ref = RulesetRef.of(identity)
        self.code = rules.code
        self.parser = InputParser(rules)
        # Atoms 0..R-1 are the rules; the input tests of derived outputs follow.
        self.atoms: list[list[Check]] = [checks_of(r.when) for r in rules.rules]
        derived, extra = derived_entries(rules, len(self.atoms))
        self.atoms.extend(extra)
        self.outcomes = Outcomes(rules, derived)
        kinds = {name: spec.type for name, spec in rules.inputs.items()}
        blankable = frozenset(name for name, spec in rules.inputs.items() if can_be_blank(spec))
        named = [(f"a{i}", checks) for i, checks in enumerate(self.atoms)]
        self._engine = CompiledOnce(lambda: TableEngine(rules.code, named, kinds, blankable))

    @classmethod
    def load(cls, path: Path) -> TableRuleSet:
        rules, identity = load_rule_file(path, "table", TableRules, checks=table_problems)
        return cls(rules, identity)

    @property
    def engine(self) -> TableEngine:
        return self._engine.get()

    def decide(self, record: Mapping[str, Any]) -> TableResult:
        """One record through durable_rules; InputError naming every bad field."""
        values = self.parser.parse(record)
        return self.result(values, self.outcomes.of(self.engine.fire(values)))

    def result(self, values: Mapping[str, Value], outcome: Outcome) -> TableResult:
        record_id = values.get(self.rules.id_field)
        # Built from values this module made, so pydantic's validation is skipped (the hot path).
        fields: dict[str, Any] = {
            "table": self.code,
            "table_label": self.rules.label,
            "id_field": self.rules.id_field,
            "id": None if record_id is None else str(record_id),
            "outputs": outcome.outputs,
            "matched": outcome.matched,
            "ruleset": self.ref,
        }
        # The id also under its own name (project_id: …), unless that name is a field of the result.
        fields.setdefault(self.rules.id_field, record_id)
        return TableResult.model_construct(**fields)

    def example(self) -> dict[str, Any]:
        """A record every input of which is filled with an accepted value: for OpenAPI and docs."""
        out: dict[str, Any] = {}
        for name, spec in self.rules.inputs.items():
            if name == self.rules.id_field:
                out[name] = "EX-001"
            elif spec.type == "number":
                out[name] = spec.min if spec.min is not None else 0
            elif spec.type == "boolean":
                out[name] = True
            elif spec.type == "enum":
                out[name] = next(iter(spec.values or {}))
            elif spec.required:
                out[name] = "示例"
        return out

    def json_schema(self) -> dict[str, Any]:
        """The record as JSON Schema, for the OpenAPI document (the parser stays the judge: it
        also takes the spellings tables.md allows, such as "1,200,000" and 是/否)."""
        props: dict[str, Any] = {}
        for name, spec in self.rules.inputs.items():
            kind = {"number": ["number", "string"], "boolean": ["boolean", "string"]}.get(spec.type, "string")
            prop: dict[str, Any] = {"type": kind, "title": spec.label, "description": self.parser.accepted(name)}
            if spec.values:
                prop["examples"] = list(spec.values)
            if spec.default is not None:
                prop["default"] = spec.default
            props[name] = prop
        required = [name for name, spec in self.rules.inputs.items() if spec.required]
        return {
            "title": f"{self.code} — {self.rules.label}",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }

    def describe(self) -> dict[str, Any]:
        """The table as `GET /v1/tables` and `gradegate tables` show it."""
        inputs = [
            {
                "name": name,
                "type": spec.type,
                "label": spec.label,
                "required": spec.required,
                "default": spec.default,
                "accepted": self.parser.accepted(name),
                "values": dict(spec.values) if spec.values else None,
            }
            for name, spec in self.rules.inputs.items()
        ]
        outputs = [
            {"name": name, "label": o.label, "values": self.outcomes.coded.get(name)}
            for name, o in self.rules.all_outputs()
        ]
        return {
            "code": self.code,
            "label": self.rules.label,
            "description": self.rules.description,
            "id_field": self.rules.id_field,
            "hit_policy": self.rules.hit_policy,
            "inputs": inputs,
            "outputs": outputs,
            "rules": [{"code": r.code, "label": r.label} for r in self.rules.rules],
            "ruleset": self.ref.model_dump(),
        }

    def summary(self) -> list[tuple[str, str]]:
        return [
            ("决策表", f"{self.code}（{self.rules.label}）"),
            ("命中策略", self.rules.hit_policy + ("，complete" if self.rules.complete else "")),
            ("输入", ", ".join(self.rules.inputs)),
            ("输出", ", ".join([*self.rules.outputs, *self.rules.derived])),
            ("规则", str(len(self.rules.rules))),
        ]

    def close(self) -> None:
        self._engine.close()


def load_tables(directory: Path) -> dict[str, TableRuleSet]:
    """Every `*.yaml` of the folder, by table code; RuleDefinitionError listing every broken file
    (and a code used by two files)."""
    from gradegate.scoring.errors import RuleDefinitionError, RuleIssue

    tables: dict[str, TableRuleSet] = {}
    issues: list[RuleIssue] = []
    if not directory.is_dir():
        return tables
    for path in sorted(directory.glob("*.yaml")):
        try:
            table = TableRuleSet.load(path)
        except RuleDefinitionError as exc:
            issues.extend(exc.issues)
            continue
        if table.code in tables:
            other = tables[table.code].identity.path
            issues.append(
                RuleIssue(str(path), None, "code", "duplicate_table", f"table code {table.code!r} is also {other}")
            )
            continue
        tables[table.code] = table
    if issues:
        for table in tables.values():
            table.close()
        raise RuleDefinitionError(issues)
    return tables
