"""The durable_rules layer: the only module that imports durable_rules.

durable_rules is the rule engine the design asks for, and it has sharp edges
(measured in ../shared/notes/durable_rules.md). Each is handled here, once:

- `post` fires one rule only → facts are asserted (`assert_fact`), so every
  matching rule fires, and retracted right after, so no state outlives a call.
- The host's timer threads race with synchronous calls and lose results →
  `_QuietHost` never starts them; actions run inside `assert_fact`.
- A rule whose condition matches nothing in particular loops forever → every
  condition is guarded by the marker field `_r` that our facts always carry.
- A ruleset name cannot be registered twice → each compilation gets a fresh
  name, and `close()` frees the old one in the C engine (hot reload).
- Bad input types fail silently → `fire` refuses anything but str, int and
  finite floats below 1e15; callers validate records before they get here.
- The C extension never releases the GIL, so a lock serialises evaluations at
  no cost in throughput; each process (uvicorn worker) builds its own host.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import os
import threading
from collections.abc import Mapping
from typing import Any

import durable_rules_engine
from durable import engine as _durable

Condition = dict[str, Any]
_MARK = "_r"
_MAX_NUMBER = 1e15  # the C engine errors (202/204) from about 1e16 and on inf


class _QuietHost(_durable.Host):
    def _run(self) -> None:  # no dispatcher or timer threads: see module docstring
        return None


_host_lock = threading.Lock()
_host: _QuietHost | None = None
_host_pid: int | None = None
_names = itertools.count(1)


def _get_host() -> _QuietHost:
    global _host, _host_pid
    with _host_lock:
        if _host is None or _host_pid != os.getpid():
            _host, _host_pid = _QuietHost(), os.getpid()
        return _host


class CompiledRuleset:
    """A set of named conditions registered in durable_rules; `fire` says which match a fact."""

    def __init__(self, prefix: str, conditions: Mapping[str, Condition]):
        if not conditions:
            raise ValueError("a ruleset needs at least one rule")
        self._host = _get_host()
        self.name = f"{prefix}_{os.getpid()}_{next(_names)}"
        self.rule_names = list(conditions)
        self._fired: list[str] = []
        self._lock = threading.Lock()
        self._serial = itertools.count()
        definition: dict[str, Any] = {}
        for rule_name, condition in conditions.items():
            guarded = {"$and": [{_MARK: 1}, copy.deepcopy(condition)]}
            definition[rule_name] = {"all": [{"m": guarded}], "run": self._recorder(rule_name)}
        # set_rulesets mutates what it is given (drops "run"): it gets its own copy above.
        with _host_lock:
            self._host.register_rulesets({self.name: definition})
        self._ruleset = self._host.get_ruleset(self.name)
        self._closed = False

    def _recorder(self, rule_name: str):
        def record(_closure: Any) -> None:
            self._fired.append(rule_name)

        return record

    def fire(self, fact: Mapping[str, Any]) -> list[str]:
        """Names of the rules whose condition holds for `fact`, in the order they fired."""
        for key, value in fact.items():
            _check_value(key, value)
        with self._lock:
            if self._closed:
                raise RuntimeError(f"ruleset {self.name} was closed")
            self._fired = []
            asserted = {**fact, _MARK: 1, "sid": "0", "_n": next(self._serial)}
            try:
                self._host.assert_fact(self.name, asserted)
            except _durable.MessageNotHandledException:
                return []
            finally:
                with contextlib.suppress(_durable.MessageNotHandledException):
                    self._host.retract_fact(self.name, asserted)
            return list(self._fired)

    def close(self) -> None:
        """Free the ruleset in the C engine; the name is never reused."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            durable_rules_engine.delete_ruleset(self._ruleset._handle)
            with _host_lock:
                self._host._ruleset_directory.pop(self.name, None)
                self._host._ruleset_list.remove(self._ruleset)


def _check_value(key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"fact field {key!r}: {type(value).__name__} is not allowed in a fact")
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) < _MAX_NUMBER):
        raise ValueError(f"fact field {key!r}: {value!r} is out of the engine's range")
    if isinstance(value, int) and abs(value) >= _MAX_NUMBER:
        raise ValueError(f"fact field {key!r}: {value!r} is out of the engine's range")
