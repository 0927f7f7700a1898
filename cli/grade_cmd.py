"""`gradegate grade`: batch grading of a CSV/Excel/JSON-lines file (work in progress)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
