"""The HTML report: its structure (sections, tables, charts), its numbers, escaping
of hostile project names, rejected rows listed, and nothing that reaches out."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from gradegate.reports.formatting import amount_cn
from tests.helpers import DATA, run_cli

SAMPLE = DATA / "sample_portfolio.csv"
HOSTILE = ['<script>alert("x")</script>', "A&B \"双引号\" 'single'", "<img src=x onerror=alert(1)>"]


class Page(HTMLParser):
    """Tags with their attributes, headings' text, and the text of every table cell by table."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self.cells: dict[str, list[list[str]]] = defaultdict(list)
        self._table: str | None = None
        self._text: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = dict(attrs).get("data-table")
        elif tag == "tr" and self._table:
            self.cells[self._table].append([])
        if tag in ("h2", "td", "th"):
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "td", "th") and self._text is not None:
            text = "".join(self._text).strip()
            if tag == "h2":
                self.headings.append(text)
            elif self._table:
                self.cells[self._table][-1].append(text)
            self._text = None
        if tag == "table":
            self._table = None

    def rows(self, table: str) -> list[list[str]]:
        return [r for r in self.cells[table][1:] if r]  # the first row holds the headers


@pytest.fixture(scope="module")
def hostile_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(60)
    for i, name in enumerate(HOSTILE):  # overridden, so they are listed in the page's 等级特批调整 watch list
        frame.loc[i, "project_name"] = name
        frame.loc[i, ["override_level", "override_approved_by", "override_reason"]] = ["company", "张总", name]
    frame.loc[3, "office"] = "<b>粗体&办事处</b>"
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, hostile_portfolio: Path) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("html")
    result = run_cli("report", hostile_portfolio, "-o", out)
    assert result.returncode in (0, 3), result.stderr
    return (out / "report.html").read_text(encoding="utf-8"), out


def test_structure(report: tuple[str, Path]) -> None:
    html, _ = report
    page = Page(html)
    titles = [re.sub(r"^\d+\. ", "", h) for h in page.headings]
    assert titles[:2] == ["需要关注", "目录"]  # the executive summary comes first
    for section in ("概览", "得分分布", "办事处与地区部", "关注清单", "关口状态", "被拒记录"):
        assert section in titles
    assert "规则变更影响" not in titles  # only with --compare-rules
    assert "项目等级评定表" not in titles  # per-project tables: workbook and CSV only
    tables = {a.get("data-table") for tag, a in page.tags if tag == "table"}
    assert {"level_summary", "office_level", "region_level", "stage_summary", "score_distribution"} <= tables
    assert {"watch_near_threshold", "watch_blocked_company", "watch_overrides", "gate_by_stage"} <= tables
    assert not tables & {"grading", "gate_status", "blocking_items", "impact_projects"}
    charts = [a.get("data-chart") for tag, a in page.tags if tag == "figure"]
    assert charts == ["level_split", "score_distribution", "amount_by_office", "gates_by_stage"]
    assert sum(1 for tag, _ in page.tags if tag == "svg") == 4
    assert any(tag == "line" and "threshold" in (a.get("class") or "") for tag, a in page.tags)
    assert "阈值 40" in html
    assert "@media print" in html


def test_numbers_match_the_tables(report: tuple[str, Path]) -> None:
    html, out = report
    page = Page(html)
    graded = pd.read_csv(out / "csv" / "grading.csv", encoding="utf-8-sig")
    levels = {row[0]: row for row in page.rows("level_summary")}
    for level, label in (("company", "公司级"), ("office", "办事处级")):
        group = graded[graded["level"] == level]
        assert levels[label][1] == str(len(group))
        assert levels[label][2] == amount_cn(group["amount_rmb"].sum())
        assert re.search(rf'data-level="{level}"><span>{label}</span><b>{len(group)} 个</b>', html)
    assert re.search(rf'data-count="graded">{len(graded)}<', html)
    assert f'id="total-amount">{amount_cn(graded["amount_rmb"].sum())}<' in html
    near = pd.read_csv(out / "csv" / "watch_near_threshold.csv", encoding="utf-8-sig")
    assert f'<li data-attention="near_threshold"><a href="#t-watch_near_threshold">临界项目：{len(near)} 个' in html


def test_hostile_names_are_text(report: tuple[str, Path]) -> None:
    html, _ = report
    assert "<script" not in html and "<img" not in html and "<b>粗体" not in html
    assert "&lt;script&gt;" in html
    page = Page(html)
    listed = page.rows("watch_overrides")  # 行号, 项目编号, 项目名称, …, 特批理由
    assert set(HOSTILE) <= {row[2] for row in listed}
    assert set(HOSTILE) <= {row[-1] for row in listed}
    assert any(row[0] == "<b>粗体&办事处</b>" for row in page.rows("office_level"))


def test_standalone(report: tuple[str, Path]) -> None:
    html, _ = report
    page = Page(html)
    assert not [a for tag, a in page.tags if tag in ("script", "link", "img", "iframe", "object")]
    for _, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (name, value)
    assert "url(" not in html and "@import" not in html


def test_rejected_rows_listed(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[10:20].reset_index(drop=True)  # clean rows
    frame.loc[2, "amount_rmb"] = "lots"
    frame.loc[4, "deliv_planning_report"] = "finished"
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    result = run_cli("report", path, "-o", tmp_path / "out")
    assert result.returncode == 3
    page = Page((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    rows = page.rows("errors")
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("3", "4", frame.loc[2, "project_id"], "amount_rmb", "lots"),  # record 3 is line 4 of the sheet
        ("5", "6", frame.loc[4, "project_id"], "deliv_planning_report", "finished"),
    ]
    assert rows[0][-1].startswith('项目金额: "lots" 不是有效金额')
    assert re.search(r'data-count="rejected">2<', (tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    errors = pd.read_csv(tmp_path / "out" / "errors.csv", encoding="utf-8-sig")
    assert list(errors["row"]) == [3, 5]
    assert "missing (缺失)" in errors.loc[1, "message"]


def test_long_tables_are_cut_and_say_so(tmp_path: Path) -> None:
    from gradegate.reports.build import build_report
    from gradegate.reports.render_html import render_html
    from gradegate.scoring.rulesets import load_rulesets
    from gradegate.scoring.tabular import read_table

    rules = load_rulesets()
    built = build_report(read_table(SAMPLE), rules.grading, rules.gates, source=str(SAMPLE))
    html = render_html(built, max_rows=4, top=3)
    page = Page(html)
    near = built.table("watch_near_threshold")
    assert len(near) > 3 and len(page.rows("watch_near_threshold")) == 3
    assert [r[1] for r in page.rows("watch_near_threshold")] == list(near["project_id"].head(3))
    assert f"显示前 3 项，共 {len(near)} 项；完整清单见 report.xlsx 工作表「临界项目(阈值±3分)」" in html
    offices = built.table("office_level")
    assert len(offices) > 4 and len(page.rows("office_level")) == 4
    assert f'data-total="{len(offices)}">（共 {len(offices)} 项）' in html


def test_cell_formats() -> None:
    from gradegate.reports.render_html import fmt_cell

    assert fmt_cell("amount_rmb", 12_000_000.4) == "1,200.00 万元"
    assert fmt_cell("amount_total", 8_179_699_217) == "81.80 亿元"
    assert fmt_cell("amount_company", 5_000) == "5,000 元"
    assert fmt_cell("amount_share", 0.8628) == "86%"
    assert fmt_cell("readiness", 0.75) == "75%"
    assert fmt_cell("mean_delta", 1.234) == "1.23"
    assert fmt_cell("row", 12345) == "12345"
    assert fmt_cell("override_reason", None) == "" and fmt_cell("margin", float("nan")) == ""
