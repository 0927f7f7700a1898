"""The HTML report in a real headless chromium, opened from a file:// URL:
headings, tables and charts render, nothing leaves the page, it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import DATA, RULES, run_cli

SAMPLE = DATA / "sample_portfolio.csv"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[:300]
    frame.loc[1, "project_name"] = '<img src="http://example.com/x.png">&"引号"'
    frame.loc[1, ["override_level", "override_approved_by", "override_reason"]] = ["company", "张总", "战略客户"]
    path = out / "portfolio.csv"
    frame.to_csv(path, index=False)
    result = run_cli("report", path, "-o", out / "report")
    assert result.returncode == 3, result.stderr
    return out / "report" / "report.html"


@pytest.mark.browser
def test_report_in_chromium(browser, report_file: Path, artifacts_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        url = report_file.as_uri()
        page.goto(url)
        page.wait_for_load_state("load")
        assert requests == [url]  # no font, script, image or stylesheet fetched from anywhere
        assert page.locator("h1").inner_text().startswith("项目组合报告")
        headings = page.locator("section h2").all_inner_texts()
        assert [h.split(". ", 1)[1] for h in headings] == [
            "概览", "关注清单", "得分分布", "办事处与地区部", "关口状态", "被拒记录",
        ]  # fmt: skip
        charts = page.locator("figure.chart svg")
        assert charts.count() == 4
        for i in range(4):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 40
        assert page.locator("figure.chart rect").count() > 20
        assert page.locator("line.threshold").count() == 1
        assert page.locator('table[data-table="grading"]').count() == 0  # in the workbook and CSV only
        graded = pd.read_csv(report_file.parent / "csv" / "grading.csv", encoding="utf-8-sig")
        assert len(graded) == 295  # rows 8, 43, 100, 124 and 257 are broken on purpose
        assert page.locator('[data-count="graded"]').inner_text() == "295"
        hostile = page.locator('table[data-table="watch_overrides"] tbody tr').nth(0).locator("td").nth(2).inner_text()
        assert hostile == '<img src="http://example.com/x.png">&"引号"'
        assert page.locator("img").count() == 0
        page.screenshot(path=str(artifacts_dir / "report.png"))
        page.emulate_media(media="print")
        assert page.locator("nav").evaluate("n => getComputedStyle(n).display") == "none"
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
        assert requests == [url]
    finally:
        page.close()


@pytest.fixture(scope="module")
def large_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~5,000-project portfolio (the generator's), graded under the default rules and a candidate."""
    out = tmp_path_factory.mktemp("large")
    portfolio = out / "portfolio.csv"
    made = subprocess.run(
        [sys.executable, str(DATA / "make_portfolio.py"), "-n", "5000", "-o", str(portfolio)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    candidate = out / "rules_b"
    shutil.copytree(RULES, candidate)
    text = (candidate / "grading.yaml").read_text(encoding="utf-8")
    (candidate / "grading.yaml").write_text(text.replace("threshold: 40", "threshold: 42"), encoding="utf-8")
    result = run_cli("report", portfolio, "-o", out / "report", "--compare-rules", candidate)
    assert result.returncode == 3, result.stderr
    return out / "report" / "report.html"


@pytest.mark.browser
def test_a_large_portfolio_reads_as_a_page(browser, large_report: Path, artifacts_dir: Path) -> None:
    """Above the fold of a laptop screen: the whole executive summary; below, hundreds of rows, not thousands."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(large_report.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(artifacts_dir / "report-5000-fold.png"))
        summary = page.locator("#summary").bounding_box()
        assert summary is not None and summary["y"] + summary["height"] <= 768
        for selector in ("#total-amount", '[data-level="company"]', '[data-attention="blocked_company"]', "#rulesets"):
            assert page.locator(selector).is_visible(), selector
        assert re.fullmatch(r"\d+\.\d{2} 亿元", page.locator("#total-amount").inner_text())
        assert page.locator("#generated-at").inner_text().endswith("北京时间")
        graded = int(page.locator('[data-count="graded"]').inner_text())
        assert graded > 4900
        rows = page.locator("tbody tr").count()
        assert 100 <= rows <= 400, rows
        for key in ("watch_near_threshold", "watch_blocked_company", "impact_changes"):
            assert page.locator(f'table[data-table="{key}"] tbody tr').count() == 20
            total = int(page.locator(f'table[data-table="{key}"] [data-total]').get_attribute("data-total") or 0)
            assert total > 20
            pointer = page.locator(f'[data-pointer="{key}"]').inner_text()
            assert pointer.startswith(f"显示前 20 项，共 {total} 项；完整清单见 report.xlsx 工作表")
        # What changed in the rules comes before who changes level.
        rules_box = page.locator('table[data-table="impact_rules"]').bounding_box()
        changes_box = page.locator('table[data-table="impact_changes"]').bounding_box()
        assert rules_box is not None and changes_box is not None and rules_box["y"] < changes_box["y"]
        # Fixed widths: an office name keeps to one line (no one-character-per-line wrapping).
        # The text's own height against its font size: one line, or one character per line.
        height = (
            "td => { const r = document.createRange(); r.selectNodeContents(td);"
            " return r.getBoundingClientRect().height / parseFloat(getComputedStyle(td).fontSize); }"
        )
        for table, column in (("watch_blocked_company", 4), ("office_level", 1), ("watch_near_threshold", 5)):
            cells = page.locator(f'table[data-table="{table}"] tbody tr td:nth-child({column})')
            assert cells.count() > 0
            for i in range(cells.count()):
                assert cells.nth(i).evaluate(height) < 2, (table, cells.nth(i).inner_text())
        page.screenshot(path=str(artifacts_dir / "report-5000-full.png"), full_page=True)
    finally:
        page.close()
