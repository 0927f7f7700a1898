"""The durable_rules layer on its own: every matching rule fires, nothing leaks, threads are safe."""

from __future__ import annotations

import threading

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


def test_recompiling_many_times_frees_the_old_rulesets() -> None:
    """Hot reload compiles a new ruleset each time; closed ones are freed and refuse further use."""
    for _ in range(300):
        rs = CompiledRuleset("reload", BANDS)
        assert rs.fire({"x": 1}) == ["low"]
        rs.close()
    with pytest.raises(EngineError):
        rs.fire({"x": 1})
    rs.close()  # closing twice is harmless


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
