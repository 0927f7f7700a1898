"""Reading a rule file: YAML text → validated pydantic model, with the file's
identity (name, version, content hash) and errors that point at a line.

Every rule set (grading, gates, reviewers) is loaded through `load_rule_file`,
so analysts get the same kind of message whichever file they broke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gradegate.scoring.errors import RuleDefinitionError, RuleIssue
from gradegate.scoring.identity import RuleSetIdentity, content_hash
from gradegate.scoring.values import norm_key

Loc = tuple[str | int, ...]
M = TypeVar("M", bound="RuleFileHeader")


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are typos, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleFileHeader(RuleModel):
    """What every rule file starts with; each rule set's model extends it."""

    name: str = Field(min_length=1, max_length=80)
    version: str = Field(min_length=1, max_length=40)
    description: str | None = None
    # The day (China Standard Time) from which this file decides once published (lifecycle.md).
    effective_from: date | None = None


@dataclass(frozen=True)
class Problem:
    """A semantic problem found after the schema validated: where, why, what."""

    loc: Loc
    reason: str
    message: str


def label_clashes(labels: dict[str, str], loc: Loc) -> list[Problem]:
    """Input accepts codes and Chinese labels alike, so no label may read as another code."""
    seen: dict[str, str] = {}
    out = []
    for code, label in labels.items():
        for key in (norm_key(code), norm_key(label)):
            if key in seen and seen[key] != code:
                out.append(Problem((*loc, code), "ambiguous_label", f"{label!r} reads as {seen[key]!r} too"))
            seen[key] = code
    return out


def _line_map(node: yaml.Node, path: Loc, out: dict[Loc, int], dups: list[tuple[Loc, int]]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            if key in seen:
                dups.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            out[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, out, dups)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out, dups)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def describe_loc(loc: Loc, describe: Callable[[Loc], str] | None = None) -> str:
    """`("criteria", 0, "bands", 2)` → `criteria[0].bands[2]`: the place as analysts read it."""
    if describe is not None:
        return describe(loc)
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pydantic_issues(
    err: ValidationError, file: str, lines: dict[Loc, int], describe: Callable[[Loc], str] | None
) -> Iterable[RuleIssue]:
    for e in err.errors(include_url=False):
        loc = tuple(part for part in e["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind = e["type"]
        if kind == "extra_forbidden":
            reason, msg = "unknown_key", f"unknown key {loc[-1]!r} (a typo? see the README for the keys allowed here)"
        elif kind == "missing":
            reason, msg = "missing_key", f"required key {loc[-1]!r} is missing"
        else:
            reason, msg = kind, f"{e['msg']} (got {e.get('input')!r})"
        yield RuleIssue(file, _line_for(loc, lines), describe_loc(loc, describe), reason, msg)


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data.

    libyaml's parser when PyYAML has it: every command loads the whole rule folder, and the
    pure-Python parser takes ~15× as long. A file libyaml refuses is parsed again by the pure one,
    so a syntax error is reported in PyYAML's own words and line whichever parser is installed.
    Two parses: constructing the data rewrites merge keys (`<<`) in the node tree it reads.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast), yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)


def load_rule_file(
    path: Path,
    kind: str,
    model: type[M],
    checks: Callable[[M], Iterable[Problem]] | None = None,
    describe: Callable[[Loc], str] | None = None,
) -> tuple[M, RuleSetIdentity]:
    """Load, validate and identify one rule file; raise RuleDefinitionError with every issue found.

    `checks` finds what the schema cannot (bands that overlap, cycles, unknown
    references...); each decision kind passes its own, so this kernel module
    depends on none of them.
    """
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleDefinitionError([RuleIssue(file, None, "", "unreadable", str(exc))]) from None
    try:
        text = raw.decode("utf-8")
        node, data = parse_yaml(text)
    except UnicodeDecodeError as exc:
        raise RuleDefinitionError([RuleIssue(file, None, "", "encoding", f"not UTF-8: {exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleDefinitionError([RuleIssue(file, line, "", "yaml_syntax", f"YAML syntax: {problem}")]) from None
    if not isinstance(data, dict):
        raise RuleDefinitionError(
            [RuleIssue(file, 1, "", "not_a_mapping", "the file must be a YAML mapping (key: value)")]
        )

    lines: dict[Loc, int] = {}
    dups: list[tuple[Loc, int]] = []
    if node is not None:
        _line_map(node, (), lines, dups)
    issues = [
        RuleIssue(file, line, describe_loc(loc, describe), "duplicate_key", f"key {loc[-1]!r} is given twice")
        for loc, line in dups
    ]
    try:
        rules = model.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, file, lines, describe))
        raise RuleDefinitionError(issues) from None
    for p in checks(rules) if checks is not None else ():
        issues.append(RuleIssue(file, _line_for(p.loc, lines), describe_loc(p.loc, describe), p.reason, p.message))
    if issues:
        raise RuleDefinitionError(issues)
    identity = RuleSetIdentity(
        kind=kind,
        name=rules.name,
        version=rules.version,
        hash=content_hash(raw),
        path=file,
        loaded_at=datetime.now(UTC),
    )
    return rules, identity
