"""Decision tables in the portfolio report: a portfolio that carries a table's inputs gets the
table's outputs per project and a count per office; one that does not gets neither."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from gradegate.scoring import load_rulesets
from tests.helpers import DATA, run_cli


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_project_class_per_project_and_per_office(tmp_path: Path) -> None:
    frame = pd.read_csv(DATA / "sample_portfolio.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(1)
    frame["has_precedent"] = rng.choice(["是", "否", "true", "No"], len(frame))
    frame["needs_rnd_change"] = rng.choice(["否", "false", "1"], len(frame))
    frame.loc[3, "has_precedent"] = "maybe"
    source = tmp_path / "portfolio.csv"
    frame.to_csv(source, index=False)
    result = run_cli("report", source, "-o", tmp_path / "out")
    assert result.returncode in (0, 3), result.stderr
    assert "决策表 project_class: 1 个项目的输入无效" in result.stderr
    per_project = _read(tmp_path / "out" / "csv" / "table_project_class.csv")
    graded = {r["project_id"] for r in _read(tmp_path / "out" / "csv" / "grading.csv")}
    assert {r["project_id"] for r in per_project} == graded - {frame.loc[3, "project_id"]}
    rulesets = load_rulesets()
    try:
        table = rulesets.tables["project_class"]
        by_id = frame.set_index("project_id")
        for row in per_project[:200]:  # the report agrees with the single path, row by row
            source_row = by_id.loc[row["project_id"]]
            record = {k: source_row[k] for k in ("amount_rmb", "has_precedent", "needs_rnd_change")}
            single = table.decide({"project_id": row["project_id"], **record})
            assert row["project_class"] == single.outputs["project_class"]
            assert row["project_class_label"] == single.outputs["project_class_label"]
            assert row["reasons"] == ";".join(single.outputs["reasons"])
    finally:
        rulesets.close()
    counts = Counter((r["office"], r["project_class_label"]) for r in per_project)
    offices = _read(tmp_path / "out" / "csv" / "table_project_class_office.csv")
    assert offices
    for office in offices:
        major, general = int(office["重大项目"]), int(office["一般项目"])
        assert (major, general) == (counts[(office["office"], "重大项目")], counts[(office["office"], "一般项目")])
        assert int(office["total"]) == major + general
    errors = _read(tmp_path / "out" / "errors.csv")
    assert any(e["field"] == "project_class: has_precedent" and e["value"] == "maybe" for e in errors)
    # people.md: every errors file names the spreadsheet line beside the record number, a table's refusals too.
    refused = [e for e in errors if e["field"].startswith("project_class:")]
    assert refused and all(int(e["line"]) == int(e["row"]) + 1 for e in refused)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="decision_tables"' in html and "按办事处" in html


def test_a_portfolio_without_a_tables_inputs_has_no_table_sections(tmp_path: Path) -> None:
    result = run_cli("report", DATA / "sample_portfolio.csv", "-o", tmp_path / "out")
    assert result.returncode in (0, 3), result.stderr
    assert not list((tmp_path / "out" / "csv").glob("table_*.csv"))
    assert 'id="decision_tables"' not in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
