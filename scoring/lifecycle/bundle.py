"""A rule folder frozen as one bundle: every rule and scenario file's text, a hash of the
whole folder, each rule file's version, and the day from which it decides.

A bundle is what `gradegate rules publish` stores and what a service in database mode
serves: `materialize` writes it back to a folder, which loads exactly like the original.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from gradegate.scoring.rulesets import RuleSets, load_rulesets

# Rule files at the top, decision tables and scenarios in their subfolders.
PATTERNS = ("*.yaml", "*.yml", "*/*.yaml", "*/*.yml")


def folder_files(directory: Path) -> dict[str, str]:
    """Relative path → text of every YAML file of a rule folder (sorted; Python files are not rules)."""
    directory = Path(directory)
    found = {p for pattern in PATTERNS for p in directory.glob(pattern) if p.is_file()}
    return {p.relative_to(directory).as_posix(): p.read_text(encoding="utf-8") for p in sorted(found)}


def folder_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return "sha256:" + digest.hexdigest()


def bundle_file_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RuleBundle:
    files: dict[str, str]
    hash: str
    versions: dict[str, str]  # rule file (not scenarios) → its `version`
    declared_from: date | None  # the latest `effective_from` a rule file declares

    @property
    def short_hash(self) -> str:
        return self.hash.removeprefix("sha256:")[:12]

    @classmethod
    def of_files(cls, files: dict[str, str]) -> RuleBundle:
        versions: dict[str, str] = {}
        declared: list[date] = []
        for name, text in files.items():
            if name.startswith("scenarios/"):
                continue
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue  # validation names it; a bundle is only built from a folder that loads
            if isinstance(data, dict):
                if "version" in data:
                    versions[name] = str(data["version"])
                if isinstance(data.get("effective_from"), date):
                    declared.append(data["effective_from"])
        return cls(dict(sorted(files.items())), folder_hash(files), versions, max(declared, default=None))

    @classmethod
    def of_folder(cls, directory: Path) -> RuleBundle:
        return cls.of_files(folder_files(directory))

    def materialize(self, root: Path | None = None) -> Path:
        """The bundle as a rule folder on disk (one per hash, written once, atomically)."""
        root = Path(root or Path(tempfile.gettempdir()) / f"gradegate-bundles-{os.getuid()}")
        target = root / self.hash.removeprefix("sha256:")
        if target.is_dir():
            return target
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
        for name, text in self.files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another process wrote the same bundle first: identical content
            _remove(staging)
        return target

    def load(self, root: Path | None = None) -> RuleSets:
        return load_rulesets(self.materialize(root))


def _remove(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
