"""The report for the service: an uploaded portfolio in, the HTML or the workbook out.

`POST /v1/reports` (service/routes_reports.py) calls `render_report`; an
unusable upload is an InputError, which the service answers as a 422 problem.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gradegate.reports.build import build_report
from gradegate.reports.outputs import workbook_bytes
from gradegate.reports.render_html import render_html
from gradegate.scoring import FieldIssue, InputError, RuleSets, TableError, issue, read_table, table_format
from gradegate.scoring import errors as E

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPTED_FILES = "a .csv or .xlsx portfolio"


def render_report(content: bytes, filename: str, fmt: str, rulesets: RuleSets) -> tuple[bytes, str]:
    """(body, media type) of the report of one uploaded portfolio; InputError when the upload is unusable."""
    if fmt not in MEDIA_TYPES:
        raise InputError([issue("format", fmt, E.UNKNOWN_VALUE, ", ".join(MEDIA_TYPES), key="report.format")])
    name = Path(filename or "portfolio.csv").name
    try:
        kind = table_format(Path(name))
    except TableError as exc:
        raise _unusable(filename, exc) from None
    if kind not in ("csv", "xlsx"):
        raise InputError([issue("file", filename, E.MALFORMED, ACCEPTED_FILES, key="report.file_type", name=name)])
    # read_table reads from a path (it picks the parser by the suffix): the upload goes to a private temp file.
    with tempfile.TemporaryDirectory(prefix="gradegate-report-") as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        path.write_bytes(content)
        try:
            frame = read_table(path)
        except TableError as exc:
            raise _unusable(filename, exc, shown=(str(path), name)) from None
    try:
        report = build_report(frame, rulesets.grading, rulesets.gates, source=name, decision_tables=rulesets.tables)
    except TableError as exc:  # its headers: two columns for one field, a unit that is not money
        raise _unusable(filename, exc) from None
    body = render_html(report).encode("utf-8") if fmt == "html" else workbook_bytes(report)
    return body, MEDIA_TYPES[fmt]


def _unusable(filename: str, exc: TableError, shown: tuple[str, str] | None = None) -> InputError:
    """The upload's TableError as a field issue, in both languages; `shown`: (temp path, the upload's name),
    so the caller never sees the private temp file."""
    zh, en = exc.message, exc.message_en
    if shown is not None:
        zh, en = zh.replace(*shown), en.replace(*shown)
    return InputError([FieldIssue("file", filename, E.MALFORMED, zh, ACCEPTED_FILES, en)])
