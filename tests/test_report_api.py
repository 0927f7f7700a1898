"""`reports.api.render_report`, the function behind POST /v1/reports: an upload in, HTML or a workbook out."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from gradegate.reports.api import render_report
from gradegate.scoring.errors import InputError
from gradegate.scoring.rulesets import RuleSets, load_rulesets
from tests.helpers import DATA

SAMPLE = DATA / "sample_portfolio.csv"


@pytest.fixture(scope="module")
def rules() -> RuleSets:
    return load_rulesets()


@pytest.fixture(scope="module")
def upload() -> bytes:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[:50]
    frame.loc[0, "project_name"] = "<script>x</script>"
    return frame.to_csv(index=False).encode("utf-8-sig")


def test_html(upload: bytes, rules: RuleSets) -> None:
    body, media_type = render_report(upload, "portfolio.csv", "html", rules)
    assert media_type == "text/html; charset=utf-8"
    html = body.decode("utf-8")
    assert html.startswith("<!doctype html>") and "项目组合报告" in html
    assert "portfolio.csv" in html and "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert 'data-count="read">50<' in html
    assert 'data-count="rejected">2<' in html  # sample rows 8 and 43 are broken on purpose


def test_xlsx(upload: bytes, rules: RuleSets) -> None:
    body, media_type = render_report(upload, "portfolio.csv", "xlsx", rules)
    assert media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert book.sheetnames[:2] == ["报告信息", "项目等级评定表"]
    graded = pd.read_excel(io.BytesIO(body), sheet_name="项目等级评定表")
    assert len(graded) == 48


def test_excel_upload(upload: bytes, rules: RuleSets) -> None:
    frame = pd.read_csv(io.BytesIO(upload), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    body, _ = render_report(buffer.getvalue(), "组合.xlsx", "html", rules)
    assert 'data-count="graded">48<' in body.decode("utf-8")


@pytest.mark.parametrize(
    ("content", "filename", "fmt", "field", "zh", "en"),
    [
        (b"project_id\nP1\n", "p.csv", "pdf", "format", '报告格式 "pdf" 无法识别；请填写以下之一：html, xlsx',
         "format 'pdf' is not one of html, xlsx"),
        (b"{}", "p.jsonl", "html", "file", "p.jsonl: 不是 .csv 或 .xlsx 项目组合文件", "p.jsonl: not a .csv or .xlsx portfolio"),
    ],
)  # fmt: skip
def test_unusable_upload(
    content: bytes, filename: str, fmt: str, field: str, zh: str, en: str, rules: RuleSets
) -> None:
    with pytest.raises(InputError) as caught:
        render_report(content, filename, fmt, rules)
    issue = caught.value.issues[0]
    assert issue.field == field
    assert (issue.message, issue.in_language("en")) == (zh, en)  # the temp path is not shown to the caller


@pytest.mark.parametrize(
    ("content", "filename", "zh", "en"),
    [
        (b"%PDF-1.4", "p.pdf", "p.pdf: 无法识别的文件类型 '.pdf'；请使用 .csv、.xlsx 或 .jsonl",
         "p.pdf: unknown file type '.pdf'; use .csv, .xlsx or .jsonl"),
        (b"\x00\x01garbage", "p.xlsx", "p.xlsx: 无法作为 xlsx 文件读取：", "p.xlsx: cannot be read as xlsx: "),
        (b"\xff\xfe\x00bad", "p.csv", "p.csv: 不是 UTF-8 文本（第 0 字节）；请另存为 UTF-8",
         "p.csv: not UTF-8 text (invalid start byte at byte 0); save it as UTF-8"),
        (b"project_id,\xe9\xa1\xb9\xe7\x9b\xae\xe7\xbc\x96\xe5\x8f\xb7\nP1,P1\n", "p.csv",
         "列 'project_id' 与 '项目编号' 都是 项目编号 (project_id)；请只保留一列",
         "columns 'project_id' and '项目编号' are both project_id (项目编号); keep one of them"),
    ],
)  # fmt: skip
def test_unreadable_upload_in_both_languages(content: bytes, filename: str, zh: str, en: str, rules: RuleSets) -> None:
    """A file the reader refuses (TableError) reaches the caller in Chinese, and in English on request."""
    with pytest.raises(InputError) as caught:
        render_report(content, filename, "html", rules)
    issue = caught.value.issues[0]
    assert (issue.field, issue.reason) == ("file", "malformed")
    assert issue.message.startswith(zh) and issue.in_language("en").startswith(en)
    assert "gradegate-report-" not in issue.message + issue.in_language("en")  # never the private temp path
