"""The defaults that ship inside the package: the rule folder and the expert roster.

Found through importlib.resources, so a wheel installed anywhere and an editable
checkout resolve them the same way; nothing walks up from a module's file. Both
are plain folders on disk in either case (gradegate is never run from a zip).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def default_rules_dir() -> Path:
    """The rule folder gradegate ships: grading, gates, reviewers, tables and their scenarios."""
    return Path(str(files("gradegate.rules")))


def default_roster_path() -> Path:
    """The expert roster gradegate ships (data/experts.csv)."""
    return Path(str(files("gradegate.data") / "experts.csv"))


def sample_path(name: str) -> Path:
    """A demo file gradegate ships (data/sample_projects.csv, data/sample_portfolio.csv)."""
    return Path(str(files("gradegate.data") / name))
