"""The rule sets in service, and how they are replaced while requests run.

A reload builds a complete new `RuleSets` off to the side (every file
validated, the rule engine compiled) and swaps it in with one reference
assignment, so a request sees either the old rules or the new ones, never a
mix. A request holds its generation for its whole life (`use()`); an old
generation's durable_rules rulesets are closed only when its last request ends.
A broken rule folder is refused and the last good rules keep serving.

Each uvicorn worker owns one `RulesState` and polls its source's fingerprint,
so every worker notices a change, whichever worker (or none) received
`POST /v1/rules/reload`. The source is a folder (the default: content hashes
of its files) or the published bundles (service/bundle_source.py: the hash of
the bundle effective now).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from gradegate.scoring import RuleDefinitionError, RuleSets, load_rulesets

log = logging.getLogger("gradegate.service")


def folder_fingerprint(directory: Path) -> str:
    """A hash of every rule file's name and bytes: changes when any file does."""
    digest = hashlib.sha256()
    # Decision tables live in tables/: a table added, changed or removed is a change too.
    for path in sorted([*directory.glob("*.y*ml"), *directory.glob("tables/*.y*ml")]):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


class RulesSource(Protocol):
    """Where the rules come from: a cheap fingerprint that changes when they do, and a full load."""

    def fingerprint(self) -> str: ...

    def load(self, fingerprint: str) -> RuleSets: ...


class FolderSource:
    def __init__(self, directory: Path):
        self.directory = directory

    def fingerprint(self) -> str:
        return folder_fingerprint(self.directory)

    def load(self, fingerprint: str) -> RuleSets:
        return load_rulesets(self.directory)


@dataclass
class Generation:
    rulesets: RuleSets
    fingerprint: str
    number: int
    users: int = 0
    retired: bool = False

    def release(self, lock: threading.Lock) -> None:
        """One user is done; the last user of a retired generation closes its rule sets."""
        with lock:
            self.users -= 1
            done = self.retired and self.users == 0
        if done:
            self.rulesets.close()


@dataclass
class ReloadOutcome:
    changed: bool
    generation: int
    error: RuleDefinitionError | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _compile(rulesets: RuleSets) -> RuleSets:
    # Compile the rule engine now, off to the side, so the first request after the
    # swap pays nothing and a compilation failure never reaches a request.
    _ = rulesets.grading.grader
    _ = rulesets.gates.engine
    _ = rulesets.reviewers.engine
    for table in rulesets.tables.values():
        _ = table.engine
    return rulesets


class RulesState:
    def __init__(self, source: Path | RulesSource):
        self.source: RulesSource = FolderSource(source) if isinstance(source, Path) else source
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        fingerprint = self.source.fingerprint()
        self._current = Generation(_compile(self.source.load(fingerprint)), fingerprint, 1)
        self._refused_fingerprint: str | None = None
        self.last_error: RuleDefinitionError | None = None
        self.last_error_at: datetime | None = None

    @property
    def current(self) -> RuleSets:
        return self._current.rulesets

    @property
    def generation(self) -> int:
        return self._current.number

    @contextmanager
    def use(self) -> Iterator[RuleSets]:
        """The current rule sets, kept open until the block ends even if a reload happens meanwhile."""
        with self._lock:
            gen = self._current
            gen.users += 1
        try:
            yield gen.rulesets
        finally:
            gen.release(self._lock)

    def reload(self, *, only_if_changed: bool = False) -> ReloadOutcome:
        """Load the source again; swap it in when valid, keep the old rules and report why when not."""
        with self._reload_lock:
            fingerprint = self.source.fingerprint()
            if only_if_changed and fingerprint in (self._current.fingerprint, self._refused_fingerprint):
                return ReloadOutcome(False, self.generation)
            try:
                fresh = _compile(self.source.load(fingerprint))
            except RuleDefinitionError as exc:
                self._refused_fingerprint = fingerprint
                self.last_error, self.last_error_at = exc, datetime.now(UTC)
                log.error("rule reload refused, the previous rules keep serving:\n%s", exc)
                return ReloadOutcome(False, self.generation, exc)
            self._refused_fingerprint = None
            self.last_error = self.last_error_at = None
            with self._lock:
                old = self._current
                self._current = Generation(fresh, fingerprint, old.number + 1)
                old.retired = True
                close_old = old.users == 0
            if close_old:
                old.rulesets.close()
            log.info("rules reloaded: generation %d (%s)", self._current.number, fingerprint)
            return ReloadOutcome(True, self._current.number)

    def close(self) -> None:
        with self._lock:
            gen = self._current
            gen.retired = True
            done = gen.users == 0
        if done:
            gen.rulesets.close()
