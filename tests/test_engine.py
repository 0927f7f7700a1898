"""The durable_rules layer on its own: every matching rule fires, nothing leaks, threads are safe."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from gradegate.scoring.engine import CompiledRuleset
from gradegate.scoring.errors import EngineError

BANDS = {
    "low": {"$lt": {"x": 10}},
    "mid": {"$and": [{"$gte": {"x": 10}}, {"$lt": {"x": 20}}]},
    "high": {"$gte": {"x": 20}},
    "red": {"colour": "red"},
    "tiny": {"$and": [{"$gt": {"x": 0}}, {"$lt": {"x": 0.001}}]},
}


@pytest.fixture
def ruleset():
    rs = CompiledRuleset("test", BANDS)
    yield rs
    rs.close()


def test_every_matching_rule_fires_not_just_one(ruleset: CompiledRuleset) -> None:
    assert sorted(ruleset.fire({"x": 15, "colour": "red"})) == ["mid", "red"]
    assert ruleset.fire({"x": 25, "colour": "blue"}) == ["high"]


def test_the_same_fact_twice_gives_the_same_answer(ruleset: CompiledRuleset) -> None:
    """Facts are retracted after each call: no 'already observed' error, no state carried over."""
    for _ in range(3):
        assert sorted(ruleset.fire({"x": 5, "colour": "red"})) == ["low", "red"]


def test_a_rule_whose_or_holds_twice_fires_once() -> None:
    """durable_rules expands `$or` into one rule per alternative; the rule is still one rule."""
    rs = CompiledRuleset("or", {"either": {"$or": [{"$lt": {"x": 1}}, {"$lt": {"y": 1}}]}, "x0": {"x": 0}})
    try:
        assert sorted(rs.fire({"x": 0, "y": 0})) == ["either", "x0"]
        assert sorted(rs.fire({"x": 0, "y": 5})) == ["either", "x0"]
        assert rs.fire({"x": 5, "y": 5}) == []
    finally:
        rs.close()


def test_no_match_is_an_empty_answer(ruleset: CompiledRuleset) -> None:
    other = CompiledRuleset("nomatch", {"only": {"colour": "green"}})
    assert other.fire({"colour": "red"}) == []
    other.close()


@pytest.mark.parametrize("value", [1e-5, 5e-324, 0.00099])
def test_numbers_python_writes_with_negative_exponents_still_compare(ruleset: CompiledRuleset, value: float) -> None:
    assert sorted(ruleset.fire({"x": value})) == ["low", "tiny"]


@pytest.mark.parametrize("value", [True, None, float("nan"), float("inf"), 1e16, [1], {"a": 1}])
def test_values_the_engine_would_misread_are_refused(ruleset: CompiledRuleset, value: object) -> None:
    with pytest.raises(EngineError):
        ruleset.fire({"x": value})


def _rss_bytes() -> int:
    """Resident memory of this process (Linux): the C engine allocates outside Python's heap."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# Forty rules: a ruleset big enough (~0.5 MB in the C engine) that keeping one per cycle shows.
MANY_BANDS = {f"b{i}": {"$and": [{"$gte": {"x": i}}, {"$lt": {"x": i + 1}}]} for i in range(40)}
CYCLES = 150


def _growth(cycle: Callable[[], None]) -> int:
    before = _rss_bytes()
    for _ in range(CYCLES):
        cycle()
    return _rss_bytes() - before


def _kept_growth() -> int:
    """What CYCLES rulesets take when none is freed: the yardstick, measured in the same run."""
    before = _rss_bytes()
    kept = [CompiledRuleset("kept", MANY_BANDS) for _ in range(CYCLES)]
    held = _rss_bytes() - before
    for k in kept:
        k.close()
    assert held > 0
    return held


def test_recompiling_many_times_frees_the_old_rulesets() -> None:
    """Hot reload compiles a new ruleset each time: a closed one gives its memory back to the C engine.

    CYCLES compile/close cycles must grow the process far less than CYCLES rulesets kept alive do;
    if `close()` stopped freeing, both would grow alike. A closed ruleset refuses further use."""
    for _ in range(10):  # warm up allocator arenas and caches before measuring
        CompiledRuleset("warm", MANY_BANDS).close()
    cycled = _growth(lambda: CompiledRuleset("reload", MANY_BANDS).close())
    held = _kept_growth()
    assert cycled < held / 5, f"{CYCLES} closed rulesets kept {cycled:,} bytes; {CYCLES} open ones take {held:,}"

    rs = CompiledRuleset("reload", MANY_BANDS)
    assert rs.fire({"x": 3}) == ["b3"]
    rs.close()
    with pytest.raises(EngineError):
        rs.fire({"x": 1})
    rs.close()  # closing twice is harmless


@pytest.mark.xfail(
    strict=True,
    reason="known leak: durable_rules' delete_ruleset leaves the state of the session a fact was asserted in "
    "(~0.5 MB); its delete_state crashed the process when tried first (see scoring/engine.py)",
)
def test_closing_an_evaluated_ruleset_frees_its_session_state() -> None:
    def evaluated_then_closed() -> None:
        rs = CompiledRuleset("reload", MANY_BANDS)
        rs.fire({"x": 3})
        rs.close()

    for _ in range(10):
        evaluated_then_closed()
    cycled = _growth(evaluated_then_closed)
    held = _kept_growth()
    assert cycled < held / 5, f"{CYCLES} evaluated, closed rulesets kept {cycled:,} bytes; {CYCLES} open: {held:,}"


def test_concurrent_threads_each_get_their_own_answer(ruleset: CompiledRuleset) -> None:
    wrong: list[tuple[int, list[str]]] = []

    def work(offset: int) -> None:
        for i in range(400):
            x = (i + offset) % 30
            want = ["low"] if x < 10 else ["mid"] if x < 20 else ["high"]
            got = ruleset.fire({"x": x, "colour": "none"})
            if got != want:
                wrong.append((x, got))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
