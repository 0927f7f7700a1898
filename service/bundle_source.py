"""Rules served from the published bundles (GRADEGATE_RULES_SOURCE=database), and `as_of`.

`BundleSource` is a RulesState source: its fingerprint is the hash of the bundle
effective now (China Standard Time), so a new publish, or midnight reaching a
bundle's effective_from, is one poll away on every worker of every host.

`AsOfRules` answers `?as_of=DAY`: the bundle effective that day, loaded once and
kept (a few at a time; one still in use by a request is never closed).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from gradegate.scoring import RuleDefinitionError, RuleIssue, RuleSets, today_cst
from gradegate.service.bundles import BundleStore, Published
from gradegate.service.rules_state import Generation, _compile

log = logging.getLogger("gradegate.service")


class NoBundle(Exception):
    """No published bundle is effective on the day asked for."""

    def __init__(self, day: date, first: date | None):
        self.day, self.first = day, first
        when = f"the first takes effect on {first}" if first else "no bundle is published yet"
        super().__init__(f"no rule bundle was effective on {day}; {when}")


class BundleSource:
    def __init__(self, store: BundleStore):
        self.store = store

    def fingerprint(self) -> str:
        found = self.store.effective_on(today_cst())
        return found.hash if found is not None else "none"

    def load(self, fingerprint: str) -> RuleSets:
        if fingerprint == "none":
            issue = RuleIssue("(database)", None, "", "no_bundle", "no published rule bundle is effective today")
            raise RuleDefinitionError([issue])
        return self.store.load(fingerprint).load()


class AsOfRules:
    """The rule sets effective on a given day, from the published bundles."""

    def __init__(self, store: BundleStore, keep: int = 4):
        self.store = store
        self.keep = keep
        self._lock = threading.Lock()
        self._loaded: OrderedDict[str, Generation] = OrderedDict()

    def bundle_on(self, day: date) -> Published:
        found = self.store.effective_on(day)
        if found is None:
            raise NoBundle(day, self.store.first_day())
        return found

    @contextmanager
    def use(self, day: date) -> Iterator[RuleSets]:
        """The rule sets of the bundle effective on `day`, held open for the block; NoBundle if none."""
        gen = self._generation(self.bundle_on(day).hash)
        try:
            yield gen.rulesets
        finally:
            gen.release(self._lock)

    def _generation(self, bundle_hash: str) -> Generation:
        with self._lock:
            gen = self._loaded.get(bundle_hash)
            if gen is not None:
                self._loaded.move_to_end(bundle_hash)
                gen.users += 1
                return gen
        # Loaded outside the lock (it compiles the engine); two requests racing load it twice, one wins.
        fresh = Generation(_compile(self.store.load(bundle_hash).load()), bundle_hash, 0)
        with self._lock:
            gen = self._loaded.setdefault(bundle_hash, fresh)
            gen.users += 1
            evicted = []
            while len(self._loaded) > self.keep:
                _, old = self._loaded.popitem(last=False)
                old.retired = True
                if old.users == 0:
                    evicted.append(old)
        if gen is not fresh:
            fresh.rulesets.close()
        for old in evicted:
            old.rulesets.close()
        return gen

    def close(self) -> None:
        with self._lock:
            gens, self._loaded = list(self._loaded.values()), OrderedDict()
        for gen in gens:
            gen.retired = True
            if gen.users == 0:
                gen.rulesets.close()
