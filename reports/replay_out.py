"""Writing a replay's results: changes.csv and invalid.csv as they stream in, then summary.csv
and replay.html (lifecycle.md). CSV cells that a spreadsheet would read as a formula are
written as text (a leading apostrophe): subject ids and messages come from logged input."""

from __future__ import annotations

import csv
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from gradegate.reports.templating import environment
from gradegate.scoring import REPLAY_CHANGE_COLUMNS, REPLAY_INVALID_COLUMNS, atomic_path, neutralize_text

SHOWN = 200  # rows of changes and refused inputs the page shows; the CSV files hold them all


def as_text(value: Any) -> Any:
    """A cell of a replay CSV: logged text stays text (the one neutralizer every writer uses)."""
    return neutralize_text(value) if isinstance(value, str) else value


class _CsvStream:
    def __init__(self, path: Path, columns: list[str]):
        # Closed (and moved into place) by close(); a failed replay leaves no half-written file behind.
        self._stack = ExitStack()
        tmp = self._stack.enter_context(atomic_path(path))
        fh: IO[str] = self._stack.enter_context(tmp.open("w", encoding="utf-8-sig", newline=""))
        self._writer = csv.DictWriter(fh, columns)
        self._writer.writeheader()
        self.count = 0
        self.first: list[dict[str, Any]] = []

    def write(self, rows: list[dict[str, Any]]) -> None:
        self._writer.writerows({k: as_text(v) for k, v in row.items()} for row in rows)
        self.count += len(rows)
        if len(self.first) < SHOWN:
            self.first.extend(rows[: SHOWN - len(self.first)])

    def close(self) -> None:
        self._stack.close()


class ReplayWriter:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.changes = _CsvStream(self.folder / "changes.csv", REPLAY_CHANGE_COLUMNS)
        self.invalid = _CsvStream(self.folder / "invalid.csv", REPLAY_INVALID_COLUMNS)

    def finish(self, summary: list[dict[str, Any]], about: dict[str, str]) -> None:
        self.changes.close()
        self.invalid.close()
        columns = list(dict.fromkeys(k for row in summary for k in row)) or ["route", "replayed"]
        with atomic_path(self.folder / "summary.csv") as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows({k: as_text(v) for k, v in row.items()} for row in summary)
        page = (
            environment()
            .get_template("replay.html")
            .render(
                summary=summary,
                columns=columns,
                changes=self.changes.first,
                change_count=self.changes.count,
                invalid=self.invalid.first,
                invalid_count=self.invalid.count,
                about=about,
                generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
        )
        with atomic_path(self.folder / "replay.html") as tmp:
            tmp.write_text(page, encoding="utf-8")
