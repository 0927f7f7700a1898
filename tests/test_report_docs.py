"""The docs' reports section keeps up with the code: every table, sheet and gate flag is documented."""

from __future__ import annotations

from gradegate.reports.catalog import TITLES
from gradegate.scoring.rulesets import load_rulesets
from tests.helpers import doc_section, docs_text


def section() -> str:
    return doc_section("reports")


def test_every_table_and_sheet_documented() -> None:
    text = section()
    for key, title in TITLES.items():
        assert f"`{key}`" in text or f"`{key.split('_')[0]}_*`" in text, key
        assert title in text, title


def test_every_gate_flag_column_documented() -> None:
    text = section()
    for flag in load_rulesets().gates.rules.flags:
        assert f"`flag_{flag}`" in text, flag
    for column in ("passed_gates", "deliv_<code>", "product_lines", "override_approved_by"):
        assert f"`{column}`" in text


def test_cli_and_benchmark_subsections() -> None:
    text = docs_text()
    assert "### gradegate report" in text and "--compare-rules DIR" in text
    assert "### Portfolio report" in text and "bench/bench_report.py" in text
    assert "gradegate report data/sample_portfolio.csv -o" in section()
