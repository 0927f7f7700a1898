"""A condition of a table file, normalized once: the form the engine, the batch
path and the checks all read, so the three cannot read a condition differently.

`x: true` (boolean), `x: code` / `x: [a, b]` (enum, text) and the long form
`x: {min, above, max, below, in, blank}` all become one `Check`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gradegate.scoring.tables.model import Cond, Test


@dataclass(frozen=True)
class Check:
    """One input's test. A blank value passes only `blank: true`; every other test needs a value."""

    field: str
    blank: bool | None = None  # True: must be blank; False / None: must not be (None: implied by the tests)
    low: float = -math.inf
    low_in: bool = False
    high: float = math.inf
    high_in: bool = False
    values: frozenset[Any] | None = None  # booleans, codes or texts accepted

    @property
    def has_range(self) -> bool:
        return self.low != -math.inf or self.high != math.inf

    def holds(self, value: Any) -> bool:
        """The condition on a plain value (None = blank): how outputs are tested, and the reference
        the property tests hold the engine and the batch path to."""
        if value is None or (isinstance(value, list) and not value):
            return self.blank is True
        if self.blank is True:
            return False
        if self.has_range:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            above = value >= self.low if self.low_in else value > self.low
            below = value <= self.high if self.high_in else value < self.high
            if not (above and below):
                return False
        if self.values is not None:
            items = value if isinstance(value, list) else [value]
            return any(_same(v, allowed) for v in items for allowed in self.values)
        return True


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a boolean condition must not match the number 1.
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def normalize(field: str, cond: Cond) -> Check:
    if isinstance(cond, bool):
        return Check(field, values=frozenset([cond]))
    if isinstance(cond, str):
        return Check(field, values=frozenset([cond]))
    if isinstance(cond, list):
        return Check(field, values=frozenset(cond))
    return _from_test(field, cond)


def _from_test(field: str, test: Test) -> Check:
    low, low_in = test.low
    high, high_in = test.high
    values = frozenset(test.in_) if test.in_ is not None else None
    return Check(field, test.blank, low, low_in, high, high_in, values)


def checks_of(when: dict[str, Cond]) -> list[Check]:
    return [normalize(field, cond) for field, cond in when.items()]
