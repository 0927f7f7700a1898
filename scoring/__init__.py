"""gradegate's decision core: the public API that the service, the reports and the CLI use.

Layout (one subpackage per kind of decision over a small kernel):

    scoring/
      errors.py      the error tree (RuleDefinitionError vs InputError, …) and reason codes
      engine.py      durable_rules, the only importer of it: compile once, fire per record
      rulefile.py    YAML → validated model with file:line issues; checks passed in by each kind
      identity.py    which rules decided: RuleSetIdentity, RulesetRef, content hashes
      values.py      scalar parsing shared by every record parser
      tabular.py     CSV / Excel / JSON-lines in and out;  files.py: formats, atomic writes
      safe_cells.py  untrusted text stays text in every CSV/xlsx written
      jsonl.py       the JSON-lines runner (line N answers line N)
      rulesets.py    a rule folder loaded all-or-nothing;  resources.py: the shipped defaults
      vocabulary.py  the grading input fields, levels and stages (the public data contract)
      lifecycle/     scenarios beside the rules, bundles, effective dates, rule diffs, replay
      grading/       model, checks, input, engine, result, ruleset; frame + parse_frame (batch); whatif
      gates/         model, input, engine, result, ruleset
      reviewers/     model, input, engine, roster, result, ruleset
      tables/        decision tables as files: model, checks, input, conditions, engine, result,
                     ruleset; frame (batch path) and batch (the CLI job)

Names are resolved lazily (PEP 562), so `gradegate --help` does not pay for pandas
and durable_rules; a type checker sees the plain imports below.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # errors
    "GradegateError": "errors",
    "RuleDefinitionError": "errors",
    "RuleIssue": "errors",
    "InputError": "errors",
    "FieldIssue": "errors",
    "TableError": "errors",
    "OutputError": "errors",
    "EngineError": "errors",
    # identity, folders, shipped defaults
    "RuleSetIdentity": "identity",
    "RulesetRef": "identity",
    "content_hash": "identity",
    "RuleSets": "rulesets",
    "load_rulesets": "rulesets",
    "default_rules_dir": "resources",
    "default_roster_path": "resources",
    "sample_path": "resources",
    # grading
    "GradingRuleSet": "grading.ruleset",
    "GradingRules": "grading.model",
    "GradingResult": "grading.result",
    "GradingRun": "grading.batch",
    "grade_frame": "grading.frame",
    "WhatIf": "grading.whatif",
    "what_if": "grading.whatif",
    "GRADING_FIELDS": "vocabulary",
    "RISK_FACTORS": "vocabulary",
    "RISK_VALUES": "vocabulary",
    "STAGES": "vocabulary",
    "GRADING_HEADERS": "vocabulary",
    "AMOUNT_FIELDS": "vocabulary",
    # gates
    "GateRuleSet": "gates.ruleset",
    "GateRules": "gates.model",
    "GateCheckResult": "gates.result",
    "Blocking": "gates.result",
    "STATUSES": "gates.model",
    "STATUS_RANK": "gates.model",
    # reviewers
    "ReviewerRuleSet": "reviewers.ruleset",
    "ReviewerRules": "reviewers.model",
    "ReviewerSelection": "reviewers.result",
    "Roster": "reviewers.roster",
    "ROSTER_COLUMNS": "reviewers.roster",
    # decision tables
    "TableRuleSet": "tables.ruleset",
    "TableRules": "tables.model",
    "TableResult": "tables.result",
    "TableRun": "tables.batch",
    "decide_frame": "tables.frame",
    # values, files, batches
    "TRIM": "values",
    "EnumVocabulary": "values",
    "norm_key": "values",
    "did_you_mean": "values",
    "read_table": "tabular",
    "flatten": "tabular",
    "write_csv": "tabular",
    "write_table": "tabular",
    "neutralize_text": "safe_cells",
    "xlsx_value": "safe_cells",
    "xlsx_rows": "safe_cells",
    "table_format": "files",
    "atomic_path": "files",
    "EXCEL_MAX_ROWS": "files",
    "BatchCounts": "jsonl",
    "Decide": "jsonl",
    "run_lines": "jsonl",
    # the rule lifecycle: scenarios, bundles, effective dates, diffs, replay
    "Scenario": "lifecycle.scenarios",
    "ScenarioReport": "lifecycle.scenarios",
    "run_scenarios": "lifecycle.scenarios",
    "RuleBundle": "lifecycle.bundle",
    "bundle_file_hash": "lifecycle.bundle",
    "diff_files": "lifecycle.diff",
    "CST": "lifecycle.dates",
    "today_cst": "lifecycle.dates",
    "parse_day": "lifecycle.dates",
    "Logged": "lifecycle.replay",
    "Replayer": "lifecycle.replay",
    "REPLAY_CHANGE_COLUMNS": "lifecycle.replay",
    "REPLAY_INVALID_COLUMNS": "lifecycle.replay",
    # what people read: messages, headers, workbooks
    "issue": "messages",
    "render": "messages",
    "shown_zh": "messages",
    "field_label": "messages",
    "hint": "messages",
    "map_headers": "headers",
    "HeaderMap": "headers",
    "new_workbook": "workbook",
    "add_table_sheet": "workbook",
    "sheet_title": "workbook",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from gradegate.scoring.errors import (
        EngineError,
        FieldIssue,
        GradegateError,
        InputError,
        OutputError,
        RuleDefinitionError,
        RuleIssue,
        TableError,
    )
    from gradegate.scoring.files import EXCEL_MAX_ROWS, atomic_path, table_format
    from gradegate.scoring.gates.model import STATUS_RANK, STATUSES, GateRules
    from gradegate.scoring.gates.result import Blocking, GateCheckResult
    from gradegate.scoring.gates.ruleset import GateRuleSet
    from gradegate.scoring.grading.batch import GradingRun
    from gradegate.scoring.grading.frame import grade_frame
    from gradegate.scoring.grading.model import GradingRules
    from gradegate.scoring.grading.result import GradingResult
    from gradegate.scoring.grading.ruleset import GradingRuleSet
    from gradegate.scoring.grading.whatif import WhatIf, what_if
    from gradegate.scoring.headers import HeaderMap, map_headers
    from gradegate.scoring.identity import RuleSetIdentity, RulesetRef, content_hash
    from gradegate.scoring.jsonl import BatchCounts, Decide, run_lines
    from gradegate.scoring.lifecycle.bundle import RuleBundle, bundle_file_hash
    from gradegate.scoring.lifecycle.dates import CST, parse_day, today_cst
    from gradegate.scoring.lifecycle.diff import diff_files
    from gradegate.scoring.lifecycle.replay import REPLAY_CHANGE_COLUMNS, REPLAY_INVALID_COLUMNS, Logged, Replayer
    from gradegate.scoring.lifecycle.scenarios import Scenario, ScenarioReport, run_scenarios
    from gradegate.scoring.messages import field_label, hint, issue, render, shown_zh
    from gradegate.scoring.resources import default_roster_path, default_rules_dir, sample_path
    from gradegate.scoring.reviewers.model import ReviewerRules
    from gradegate.scoring.reviewers.result import ReviewerSelection
    from gradegate.scoring.reviewers.roster import ROSTER_COLUMNS, Roster
    from gradegate.scoring.reviewers.ruleset import ReviewerRuleSet
    from gradegate.scoring.rulesets import RuleSets, load_rulesets
    from gradegate.scoring.safe_cells import neutralize_text, xlsx_rows, xlsx_value
    from gradegate.scoring.tables.batch import TableRun
    from gradegate.scoring.tables.frame import decide_frame
    from gradegate.scoring.tables.model import TableRules
    from gradegate.scoring.tables.result import TableResult
    from gradegate.scoring.tables.ruleset import TableRuleSet
    from gradegate.scoring.tabular import flatten, read_table, write_csv, write_table
    from gradegate.scoring.values import TRIM, EnumVocabulary, did_you_mean, norm_key
    from gradegate.scoring.vocabulary import (
        AMOUNT_FIELDS,
        GRADING_FIELDS,
        GRADING_HEADERS,
        RISK_FACTORS,
        RISK_VALUES,
        STAGES,
    )
    from gradegate.scoring.workbook import add_table_sheet, new_workbook, sheet_title
