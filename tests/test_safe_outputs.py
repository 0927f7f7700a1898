"""Untrusted text stays text: every writer of a CSV or xlsx file, run over hostile project names,
read back — no formula cell in any workbook, no CSV cell that a spreadsheet would execute."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from gradegate.scoring import load_rulesets, neutralize_text, write_table
from gradegate.scoring.tabular import CsvChunkWriter
from tests.helpers import DATA, RULES, run_cli

HOSTILE = ['=HYPERLINK("http://x","点击")', "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1+1", "=1+1"]
PLAIN_NUMBER = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


def hostile_frame(source: Path, n: int) -> pd.DataFrame:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False).iloc[:n].copy()
    for i, name in enumerate(HOSTILE):
        frame.loc[frame.index[i], "project_name"] = name
        frame.loc[frame.index[i], "office"] = name
    # A bad row whose rejected value is hostile: the errors file carries it.
    frame.loc[frame.index[len(HOSTILE)], "amount_rmb"] = "=1+2"
    return frame


def assert_csv_safe(path: Path) -> int:
    """The number of cells checked; fails on any cell a spreadsheet would execute."""
    text = path.read_text(encoding="utf-8-sig")
    checked = 0
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            checked += 1
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert PLAIN_NUMBER.match(cell), f"{path.name}: executable cell {cell!r}"
    return checked


def assert_xlsx_safe(path_or_bytes: Path | bytes) -> list[str]:
    """Every text cell of every sheet; fails on any formula cell."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    book = openpyxl.load_workbook(source)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: formula {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def neutralized(name: str) -> str:
    return "'" + name


def test_neutralize_text_follows_owasp_and_keeps_numbers() -> None:
    for name in HOSTILE:
        assert neutralize_text(name) == "'" + name
    for number in ("-12.5", "-3", "1e3", "-.5", "12"):
        assert neutralize_text(number) == number
    assert neutralize_text("融媒体") == "融媒体"


def test_dictionary_columns_are_written_as_their_spread_frame() -> None:
    """The decided table is written dictionary-encoded (each distinct cell neutralized once): the same
    bytes as the spread-out frame through the frame writer, hostile cells, numbers and blanks included."""
    words = pa.array([*HOSTILE, "-12.5", "", None, "融媒体", 'say "hi"'], type=pa.string())
    picks = pa.array([i % len(words) for i in range(3 * len(words))], type=pa.int32())
    ids = pa.array([HOSTILE[i % len(HOSTILE)] if i % 4 else f"P{i}" for i in range(len(picks))], type=pa.string())
    rows = pa.array(range(len(picks)), type=pa.int64())
    encoded = pa.table({"row": rows, "id": ids, "out": pa.DictionaryArray.from_arrays(picks, words)})
    spread = pd.DataFrame(
        {"row": rows.to_numpy(), "id": pd.Series(ids.to_pylist(), dtype="str"), "out": words.take(picks).to_pylist()}
    ).astype({"out": "str"})
    types = {"row": pa.int64(), "id": pa.string(), "out": pa.string()}
    written = []
    for write in ("write_arrow", "write"):
        target = io.BytesIO()
        writer = CsvChunkWriter(target, types)
        getattr(writer, write)(encoded if write == "write_arrow" else spread)
        writer.close()
        written.append(target.getvalue())
    assert written[0] == written[1]
    cells = list(csv.reader(io.StringIO(written[0].decode("utf-8-sig"), newline="")))
    assert ["1", "'+1", "'+1"] in cells and ["0", "P0", '\'=HYPERLINK("http://x","点击")'] in cells
    assert ["7", '\'=HYPERLINK("http://x","点击")', "-12.5"] in cells  # a number stays a number


def test_decide_writes_exact_cells_and_hostile_ids_as_text(tmp_path: Path) -> None:
    """`gradegate decide` on a CSV: the decided table byte for byte (BOM, quoting, the labels, the rule
    set), hostile ids neutralized, refused rows in the errors file with their hostile values."""
    source = tmp_path / "in.csv"
    source.write_text(
        "project_id,amount_rmb,has_precedent,needs_rnd_change\n"
        '"=HYPERLINK(""x"")","12,000,000",是,否\n'
        "-12.5,1200万,false,false\n"
        "@P3,=1+2,是,否\n"
        "P4,4999999.99,1,0\n",
        encoding="utf-8",
    )
    result = run_cli("decide", "project_class", source, "-o", tmp_path / "out.csv")
    assert result.returncode == 3, result.stderr
    ref = load_rulesets().tables["project_class"].ref
    rules = f'"project_class","1.0","{ref.hash}"'
    assert (tmp_path / "out.csv").read_bytes().decode("utf-8") == (
        '\ufeff"row","project_id","reasons","reasons_label","project_class","project_class_label",'
        '"matched_rules","ruleset_name","ruleset_version","ruleset_hash"\n'
        f'1,"\'=HYPERLINK(""x"")","amount","标的额500万以上","major","重大项目","amount",{rules}\n'
        f'2,"-12.5","amount;no_precedent","标的额500万以上;无成熟案例","major","重大项目",'
        f'"amount;no_precedent",{rules}\n'
        f'4,"P4","","","general","一般项目","",{rules}\n'
    )
    rejected = pd.read_csv(tmp_path / "out.errors.csv", dtype=str, encoding="utf-8-sig")
    assert rejected[["row", "id", "field", "value"]].values.tolist() == [["3", "'@P3", "amount_rmb", "'=1+2"]]
    assert (
        result.stderr
        == (  # the summary in Chinese, like grade's
            f"读取 4 · 已决策 3 · 被拒 1   规则 project_class 1.0 ({ref.hash[7:19]})\n"
            f"决策结果 → {tmp_path / 'out.csv'}\n被拒记录 → {tmp_path / 'out.errors.csv'}（1 个问题）\n"
        )
    )


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_grade_writes_hostile_names_as_text(tmp_path: Path, suffix: str) -> None:
    # The input as .xlsx (a CR inside a CSV cell is beyond the CSV reader), written as text cells.
    source = tmp_path / "hostile.xlsx"
    write_table(hostile_frame(DATA / "sample_projects.csv", 20), source)
    out, errors = tmp_path / f"graded{suffix}", tmp_path / f"graded.errors{suffix}"
    result = run_cli("grade", source, "-o", out, "--errors", errors)
    assert result.returncode == 3, result.stderr  # done, one row rejected
    if suffix == ".csv":
        assert assert_csv_safe(out) > 100 and assert_csv_safe(errors) > 5
        graded = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
        rejected = pd.read_csv(errors, dtype=str, encoding="utf-8-sig")
        # Numbers stay numbers: the score columns are plain integers.
        assert graded["total_score"].str.fullmatch(r"-?\d+").all()
    else:
        texts = assert_xlsx_safe(out) + assert_xlsx_safe(errors)
        assert '=HYPERLINK("http://x","点击")' in texts  # kept as the text it is, not a formula
        graded = pd.read_excel(out, dtype=str).rename(columns={"项目名称": "project_name"})  # Chinese headers
        rejected = pd.read_excel(errors, dtype=str)
    shown = [n for n in graded["project_name"].dropna() if n.removeprefix("'") in HOSTILE]
    assert len(shown) >= 5
    # CSV: neutralized with a leading ' (OWASP); xlsx: the exact text, in a string cell.
    assert all(n == neutralized(n[1:]) for n in shown) if suffix == ".csv" else all(n in HOSTILE for n in shown)
    assert ("'=1+2" if suffix == ".csv" else "=1+2") in set(rejected["value"])


@pytest.mark.slow
def test_report_writes_hostile_names_as_text(tmp_path: Path) -> None:
    source = tmp_path / "portfolio.xlsx"
    write_table(hostile_frame(DATA / "sample_portfolio.csv", 40), source)
    result = run_cli("report", source, "-o", tmp_path / "out")
    assert result.returncode == 3, result.stderr
    out = tmp_path / "out"
    texts = assert_xlsx_safe(out / "report.xlsx")
    assert "@SUM(A1)" in texts and '=HYPERLINK("http://x","点击")' in texts
    csvs = [*(out / "csv").glob("*.csv"), out / "errors.csv"]
    assert len(csvs) >= 5
    for path in csvs:
        assert_csv_safe(path)
    grading = (out / "csv" / "grading.csv").read_text(encoding="utf-8-sig")
    assert "'@SUM(A1)" in grading and "'-2+3" in grading


def test_report_download_workbook_is_formula_free(tmp_path: Path) -> None:
    from gradegate.reports.api import render_report

    source = tmp_path / "p.xlsx"
    write_table(hostile_frame(DATA / "sample_portfolio.csv", 30), source)
    body, _ = render_report(source.read_bytes(), "p.xlsx", "xlsx", load_rulesets(RULES))
    texts = assert_xlsx_safe(body)
    # "\t=1" arrives trimmed ("=1"): still text, not a formula.
    assert {"+1", "@SUM(A1)", "=1", "=1+1"} <= set(texts), [t for t in texts if t[:1] in "=+-@"]
