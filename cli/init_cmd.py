"""`gradegate init DIR`: a copy of the default rule folder for analysts to edit.

The copy holds every rule file gradegate ships (and their scenario and table
folders, when there are any), nothing else; point any command at it with
`--rules DIR` (or GRADEGATE_RULES_DIR for the service).
"""

from __future__ import annotations

import shutil
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

import typer

from gradegate.cli.common import err, fail, say
from gradegate.scoring import default_rules_dir

# What a rule folder is made of; the package's own files (__init__.py, caches) are not.
RULE_FILE_SUFFIXES = (".yaml", ".yml")


def rule_files(folder: Path | Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Relative paths of the rule files below `folder`, sub-folders included, in a stable order."""
    out: list[tuple[str, ...]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            out += rule_files(entry, (*prefix, entry.name))
        elif entry.is_file() and entry.name.endswith(RULE_FILE_SUFFIXES):
            out.append((*prefix, entry.name))
    return out


def init(
    directory: Annotated[Path, typer.Argument(help="folder to create (must not exist, or be empty)")],
) -> None:
    """Write a copy of the default rules (with their scenarios and tables) into DIRECTORY for editing."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        fail(say("cli.init_not_empty", path=directory))
    source = default_rules_dir()
    files = rule_files(source)
    for parts in files:
        target = directory.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.joinpath(*parts), target)
    err.print(say("cli.init_wrote", count=len(files), path=directory), markup=False)
    err.print(say("cli.init_next", path=directory), markup=False)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
