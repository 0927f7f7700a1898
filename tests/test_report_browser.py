"""The HTML report in a real headless chromium, opened from a file:// URL:
headings, tables and charts render, nothing leaves the page, it prints."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import DATA, run_cli

SAMPLE = DATA / "sample_portfolio.csv"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[:300]
    frame.loc[1, "project_name"] = '<img src="http://example.com/x.png">&"引号"'
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
            "概览", "得分分布", "办事处与地区部", "关注清单", "关口状态", "项目等级评定表", "被拒记录",
        ]  # fmt: skip
        charts = page.locator("figure.chart svg")
        assert charts.count() == 4
        for i in range(4):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 40
        assert page.locator("figure.chart rect").count() > 20
        assert page.locator("line.threshold").count() == 1
        grading = page.locator('table[data-table="grading"] tbody tr')
        graded = pd.read_csv(report_file.parent / "csv" / "grading.csv", encoding="utf-8-sig")
        assert grading.count() == len(graded) == 295  # rows 8, 43, 100, 124 and 257 are broken on purpose
        hostile = page.locator('table[data-table="grading"] tbody tr').nth(1).locator("td").nth(2).inner_text()
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
