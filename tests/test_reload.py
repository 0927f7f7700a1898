"""Hot reload: a valid folder swaps in whole, a broken one is refused and the old rules keep serving,
and requests running during reloads each see one complete rule set."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from gradegate.scoring.rulefile import content_hash
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.test_auth_matrix import PROJECT

ORIGINAL_BAND = "{from: 0, below: 1000000, points: 5}"


def variant(rules_dir: Path, version: str, bottom_points: int) -> str:
    """Rewrite grading.yaml with a version and the bottom amount band's points; its content hash."""
    path = rules_dir / "grading.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('version: "2026.11-1"', f'version: "{version}"', 1)
    text = text.replace(ORIGINAL_BAND, f"{{from: 0, below: 1000000, points: {bottom_points}}}", 1)
    return text


def write(rules_dir: Path, text: str) -> str:
    (rules_dir / "grading.yaml").write_text(text, encoding="utf-8")
    return content_hash(text.encode("utf-8"))


def small_project(i: int) -> dict:
    return {**PROJECT, "project_id": f"R{i}", "amount_rmb": 10_000}


def rulesets(live: LiveServer) -> dict:
    return httpx.get(live.url + "/v1/rulesets", headers=auth(live.keys["analyst"])).json()


def grading_identity(live: LiveServer) -> dict:
    return next(r for r in rulesets(live)["rulesets"] if r["kind"] == "grading")


def test_reload_swaps_valid_rules_and_refuses_broken_ones(tmp_path: Path, rules_copy: Path) -> None:
    base = (rules_copy / "grading.yaml").read_text(encoding="utf-8")
    settings = Settings(db_path=tmp_path / "d.db", rules_dir=rules_copy, reload_poll_s=0)
    with LiveServer(settings, roles=["analyst", "system"]) as live:
        analyst, system = auth(live.keys["analyst"]), auth(live.keys["system"])
        before = grading_identity(live)
        new_hash = write(rules_copy, variant(rules_copy, "B", 9))
        assert httpx.post(live.url + "/v1/rules/reload", headers=analyst).status_code == 200
        after = grading_identity(live)
        assert (after["version"], after["hash"]) == ("B", new_hash)
        assert after["loaded_at"] > before["loaded_at"]
        graded = httpx.post(live.url + "/v1/grade", json=small_project(1), headers=system).json()
        assert graded["ruleset"]["version"] == "B" and graded["criteria"][0]["points"] == 9

        write(rules_copy, base.replace("threshold: 40", "threshold: -1"))
        refused = httpx.post(live.url + "/v1/rules/reload", headers=analyst)
        assert refused.status_code == 422
        assert any("grading.yaml:" in e["field"] for e in refused.json()["errors"])
        graded = httpx.post(live.url + "/v1/grade", json=small_project(2), headers=system).json()
        assert graded["ruleset"] == {"name": "default-grading", "version": "B", "hash": new_hash}
        view = rulesets(live)
        assert view["last_refused"] and "threshold" in " ".join(view["last_refused"]["issues"])


def test_the_service_notices_changed_files(tmp_path: Path, rules_copy: Path) -> None:
    settings = Settings(db_path=tmp_path / "d.db", rules_dir=rules_copy, reload_poll_s=0.1)
    with LiveServer(settings, roles=["analyst"]) as live:
        new_hash = write(rules_copy, variant(rules_copy, "polled", 7))
        deadline = time.monotonic() + 10
        while grading_identity(live)["hash"] != new_hash:
            assert time.monotonic() < deadline, "the change was not noticed within 10 s"
            time.sleep(0.1)
        write(rules_copy, "name: [unclosed\n")
        deadline = time.monotonic() + 10
        while not rulesets(live)["last_refused"]:
            assert time.monotonic() < deadline, "the broken file was not noticed within 10 s"
            time.sleep(0.1)
        assert grading_identity(live)["hash"] == new_hash


def test_requests_during_reloads_each_see_one_complete_rule_set(tmp_path: Path, rules_copy: Path) -> None:
    texts = {"A": variant(rules_copy, "A", 5), "B": variant(rules_copy, "B", 9)}
    hashes = {v: content_hash(t.encode("utf-8")) for v, t in texts.items()}
    points = {"A": 5, "B": 9}
    write(rules_copy, texts["A"])
    settings = Settings(db_path=tmp_path / "d.db", rules_dir=rules_copy, reload_poll_s=0)
    answers: list[dict] = []
    failures: list[str] = []
    stop = threading.Event()
    with LiveServer(settings, roles=["analyst", "system"]) as live:

        def client(n: int) -> None:
            with httpx.Client(base_url=live.url, headers=auth(live.keys["system"]), timeout=30) as c:
                i = 0
                while not stop.is_set():
                    r = c.post("/v1/grade", json=small_project(n * 100_000 + i))
                    i += 1
                    if r.status_code != 200:
                        failures.append(r.text[:200])
                    else:
                        answers.append(r.json())

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        reloads = 0
        with httpx.Client(base_url=live.url, headers=auth(live.keys["analyst"]), timeout=30) as c:
            for version in ["B", "A"] * 8:
                write(rules_copy, texts[version])
                assert c.post("/v1/rules/reload").status_code == 200
                reloads += 1
                time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[:3]
    seen = {a["ruleset"]["version"] for a in answers}
    assert seen == {"A", "B"}, seen
    for a in answers:
        version = a["ruleset"]["version"]
        assert a["ruleset"]["hash"] == hashes[version]
        assert a["criteria"][0]["points"] == points[version]
        assert a["total_score"] == sum(c["points"] for c in a["criteria"])
    assert len(answers) > reloads


def test_old_rules_are_closed_only_after_their_last_request(rules_copy: Path) -> None:
    from gradegate.scoring import EngineError
    from gradegate.service.rules_state import RulesState

    state = RulesState(rules_copy)
    try:
        with state.use() as old:
            assert state.reload().changed
            assert state.current is not old
            assert old.grading.grade(small_project(1)).total_score > 0  # still open for its request
        with pytest.raises(EngineError, match="closed"):
            old.grading.grade(small_project(2))
        assert state.current.grading.grade(small_project(3)).total_score > 0
    finally:
        state.close()
