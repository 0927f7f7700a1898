"""The JSON-lines batch runner: line N of the output answers line N of the input.

Each input line is decoded and handed to a `decide(record) -> pydantic model`;
a line that cannot be decided (bad JSON, not an object, an InputError) gets an
error object in its place, so no line is dropped and none shifts:

    {"line": N, "error": {"title": ..., "errors": [FieldIssue.to_dict(), ...]}}

Blank lines are answered too (with an error), for the same reason. Any other
exception is a bug and propagates: a batch must not hide one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.messages import issue

Decide = Callable[[dict[str, Any]], BaseModel]


@dataclass
class BatchCounts:
    read: int = 0
    decided: int = 0
    invalid: int = 0


def error_object(line: int, title: str, issues: Iterable[FieldIssue]) -> dict[str, Any]:
    return {"line": line, "error": {"title": title, "errors": [i.to_dict() for i in issues]}}


def decide_line(number: int, text: str | bytes, decide: Decide) -> tuple[bytes, bool]:
    """The output line (without newline) for one input line, and whether it was decided."""
    if not text.strip():
        found = issue("", "", E.MISSING, "object", key="line.empty", line=number)
        return orjson.dumps(error_object(number, "empty line", [found])), False
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        found = issue("", _excerpt(text), E.MALFORMED, "a JSON object", key="line.malformed", line=number, error=exc)
        return orjson.dumps(error_object(number, "invalid JSON", [found])), False
    if not isinstance(record, dict):
        kind = type(record).__name__
        found = issue("", record, E.WRONG_TYPE, "object", key="line.not_an_object", line=number, kind=kind)
        return orjson.dumps(error_object(number, "not an object", [found])), False
    try:
        result = decide(record)
    except InputError as exc:
        return orjson.dumps(error_object(number, "invalid request", exc.issues), default=str), False
    return orjson.dumps(result.model_dump(mode="json")), True


def run_lines(lines: Iterable[str | bytes], decide: Decide, counts: BatchCounts | None = None) -> Iterator[bytes]:
    """One output line (bytes, newline-terminated) per input line, in input order."""
    counts = counts if counts is not None else BatchCounts()
    for number, text in enumerate(lines, start=1):
        out, ok = decide_line(number, text, decide)
        counts.read += 1
        if ok:
            counts.decided += 1
        else:
            counts.invalid += 1
        yield out + b"\n"


def _excerpt(text: str | bytes) -> str:
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    s = s.strip()
    return s if len(s) <= 80 else s[:77] + "..."
