"""The durable_rules layer: the only module that touches durable_rules.

durable_rules is the rule engine the design asks for; its C engine
(`durable_rules_engine`) does the matching, and this module drives it
directly. Its Python host (`durable.engine.Host`) is where most sharp edges
of ../shared/notes/durable_rules.md live, so it is not used at all:

- Timer threads that race with synchronous calls and lose results → there
  is no Host, hence no threads; actions are drained inside `fire`.
- `post` fires one rule only → facts are asserted, so every matching rule
  fires, and retracted right after, so no state outlives a call.
- Exceptions inside actions are swallowed → there are no Python actions: the
  engine reports which rules matched and `fire` returns their names.
- A rule whose condition matches anything loops forever → every condition is
  guarded by the marker field `_r` that our facts always carry.
- A ruleset name cannot be registered twice → each compilation gets a fresh
  name, and `close()` frees it in the C engine (rule hot reload). The state
  of the session a fact was asserted in (about 0.5 MB for the grading rules)
  outlives `delete_ruleset`, and `delete_state` before it crashed the
  process in a test: that state stays allocated, a known leak per reload
  (tests/test_engine.py keeps it visible as an expected failure).
- A rule with an `$or` is expanded into one rule per alternative: a fact for
  which two alternatives hold fires the rule twice → `fire` names each rule
  once.
- Bad input types fail silently → `fire` refuses anything but str, int and
  finite floats below 1e15; callers validate records before they get here.
- Its JSON parser rejects negative exponents (`1e-05`, how Python writes
  numbers below 1e-4) → such a number is replaced by one that compares the
  same with every constant of the ruleset (constants are 0 or at least
  MIN_CONSTANT, which the rule files enforce).
- The C extension never releases the GIL → a lock per ruleset serialises
  evaluations at no cost in throughput; each process (uvicorn worker) builds
  its own rulesets after start-up.

Driving the C engine without the Python host is also ~6× faster (measured in
bench/bench_grading.py: the host spends most of its time in per-action
closures and JSON round trips).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import durable_rules_engine as _c
import orjson

from gradegate.scoring.errors import EngineError

Condition = dict[str, Any]
_MARK = "_r"
_MAX_NUMBER = 1e15  # the C engine errors (202/204) from about 1e16 and on inf
_TINY = 1e-4  # below this, Python writes floats as 1e-05, which the engine cannot parse
MIN_CONSTANT = 1e-3  # the smallest non-zero number a condition may compare with
_NOT_HANDLED = 1  # assert_fact's status when no rule matched
_names = itertools.count(1)
_RULE_NAME = re.compile(r"[A-Za-z0-9_]+")


class CompiledRuleset:
    """Named conditions registered in the durable_rules engine; `fire` says which hold for a fact."""

    def __init__(self, prefix: str, conditions: Mapping[str, Condition]):
        if not conditions:
            raise EngineError("a ruleset needs at least one rule")
        self.name = f"{prefix}_{os.getpid()}_{next(_names)}"
        self.rule_names = list(conditions)
        self._constants: dict[str, list[float]] = {}
        definition: dict[str, Any] = {}
        for rule_name, condition in conditions.items():
            if not _RULE_NAME.fullmatch(rule_name):
                raise EngineError(f"rule name {rule_name!r}: use letters, digits and _ only")
            _collect_constants(condition, self._constants)
            definition[rule_name] = {"all": [{"m": {"$and": [{_MARK: 1}, condition]}}]}
        self._lock = threading.Lock()
        self._handle: int | None = _c.create_ruleset(self.name, json.dumps(definition, ensure_ascii=False))

    def fire(self, fact: Mapping[str, Any]) -> list[str]:
        """Names of the rules whose condition holds for `fact`, in the order the engine reports them."""
        payload = orjson.dumps({**self._checked(fact), _MARK: 1, "sid": "0"}).decode()
        fired: list[str] = []
        with self._lock:
            if self._handle is None:
                raise EngineError(f"ruleset {self.name} was closed")
            handle = self._handle
            status, state = _c.assert_fact(handle, payload)
            try:
                if status != _NOT_HANDLED:
                    pending = _c.start_action_for_state(handle, state)
                    message = pending[1] if pending else None
                    while message:
                        fired.append(_rule_name(message))
                        message = _c.complete_and_start_action(handle, state)
            finally:
                _c.retract_fact(handle, payload)
        return list(dict.fromkeys(fired))  # once per rule, however many `$or` alternatives held

    def _checked(self, fact: Mapping[str, Any]) -> dict[str, Any]:
        """The fact as the C engine can take it, or an EngineError naming the field it cannot.

        Exact type checks on purpose (bool is an int; str subclasses may serialize oddly);
        one pass per fact, as this runs on every single-record decision.
        """
        out: dict[str, Any] = {}
        for key, value in fact.items():
            kind = type(value)
            if kind is float:
                if not -_MAX_NUMBER < value < _MAX_NUMBER:  # NaN fails this too
                    raise EngineError(f"fact field {key!r}: {value!r} is out of the engine's range")
                if value != 0 and -_TINY < value < _TINY:
                    value = self._parseable(key, value)
            elif kind is int:
                if not -_MAX_NUMBER < value < _MAX_NUMBER:
                    raise EngineError(f"fact field {key!r}: {value!r} is out of the engine's range")
            elif kind is not str:
                raise EngineError(f"fact field {key!r}: {kind.__name__} is not allowed in a fact")
            out[key] = value
        return out

    def _parseable(self, field: str, value: float) -> float:
        """A number below 1e-4 replaced by one that compares the same with every constant of `field`."""
        consts = sorted(set(self._constants.get(field, [])) | {0.0})
        below = [c for c in consts if c < value]
        above = [c for c in consts if c > value]
        lo = below[-1] if below else value - 1
        hi = above[0] if above else value + 1
        if value in consts or abs(lo - hi) < 2 * _TINY:
            raise EngineError(f"fact field {field!r}: {value!r} is too close to a rule constant to compare")
        return (lo + hi) / 2

    def close(self) -> None:
        """Free the ruleset in the C engine; the name is never reused."""
        with self._lock:
            if self._handle is not None:
                _c.delete_ruleset(self._handle)
                self._handle = None


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class CompiledOnce(Generic[C]):
    """A compiled program built on first use, once even under threads, and closed with its rule set.

    Batch jobs that never evaluate single records never pay for compiling rules into the engine.
    """

    def __init__(self, build: Callable[[], C]):
        self._build = build
        self._value: C | None = None
        self._closed = False
        self._lock = threading.Lock()

    def get(self) -> C:
        if self._value is None:
            with self._lock:
                if self._closed:
                    # A retired rule set must refuse work, not quietly compile itself again.
                    raise EngineError("this rule set was closed")
                if self._value is None:
                    self._value = self._build()
        return self._value

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._value is not None:
                self._value.close()


def _rule_name(message: str) -> str:
    """The rule an action message is for: its first key, `{"<rule>": {...the fact...}}`.

    Sliced, not parsed: the message repeats the whole fact, and rule names are our own
    identifiers (checked in the constructor), so the first quoted string is the name.
    """
    return message[2 : message.index('"', 2)]


def _collect_constants(condition: Any, out: dict[str, list[float]]) -> None:
    """Numbers compared with each field: {"$gte": {"amount_rmb": 1000000}} → amount_rmb: [1000000]."""
    if isinstance(condition, dict):
        for key, value in condition.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and not key.startswith("$"):
                out.setdefault(key, []).append(float(value))
            else:
                _collect_constants(value, out)
    elif isinstance(condition, list):
        for item in condition:
            _collect_constants(item, out)
