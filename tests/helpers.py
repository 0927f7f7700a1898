"""Plain helpers for tests: paths, and the CLI run as a real subprocess."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CASES = SHARED / "cases"
RULES = ROOT / "rules"
DATA = ROOT / "data"
ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs"


PG_URL = os.environ.get("GRADEGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# A small order for reviewer selection (roster tests give their own roster beside it).
ORDER_REQUEST = {
    "kind": "order",
    "id": "O1",
    "contract_id": "C1",
    "amount_rmb": 10,
    "clauses": ["product_list"],
    "submitter": "E1",
}


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: a browser test may have left this thread's event loop running."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def in_ci() -> bool:
    """CI sets CI=true: there a missing service is a failure, not a reason to skip."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def docs_text() -> str:
    """The README and every guide in docs/, as one text: what a reader can find."""
    paths = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def doc_section(name: str) -> str:
    """The text between `<!-- section: NAME … -->` and `<!-- /section: NAME -->`, wherever it lives."""
    match = re.search(rf"<!-- section: {name} .*?-->(.*?)<!-- /section: {name} -->", docs_text(), re.S)
    assert match, f"docs section {name} is missing"
    return match.group(1)


def run_cli(
    *args: str | os.PathLike[str], input: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`gradegate ARGS` as a user runs it: a real subprocess of the installed entry point."""
    exe = Path(sys.executable).parent / "gradegate"
    return subprocess.run(
        [str(exe), *map(str, args)],
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        timeout=300,
    )


def assert_people_workbook(path: Path) -> None:
    """Every sheet of a workbook we write is laid out as people use it (people.md): frozen header row,
    autofilter over the whole table, widths that fit Chinese headers, printing fitted to the page width."""
    import openpyxl

    from gradegate.scoring.workbook import text_width

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        ref = sheet.auto_filter.ref or ""
        assert ref.startswith(f"A1:{last}"), (sheet.title, ref)
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= min(text_width(str(cell.value)), 60) * 0.9, (sheet.title, cell.value, width)
