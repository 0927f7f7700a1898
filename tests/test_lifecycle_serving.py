"""Rules served from published bundles (GRADEGATE_RULES_SOURCE=database) and `?as_of=` on every
decision route, through the real service."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine

from gradegate.scoring import RuleBundle, today_cst
from gradegate.service.bundles import BundleStore
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import CASES, RULES, run_cli
from tests.test_auth_matrix import PROJECT

GATE = json.loads((CASES / "gates_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])
REVIEW = json.loads((CASES / "reviewers_public_input.jsonl").read_text(encoding="utf-8").splitlines()[0])
PRICE_QUOTE = {"quote_id": "Q1", "quote_rmb": 150000}
# Each decision route, a body, and the version of its rule set in the shipped rules (the first bundle).
ROUTES = [
    ("/v1/grade", PROJECT, "2026.11-1"),
    ("/v1/grade/batch", {"items": [PROJECT]}, "2026.11-1"),
    ("/v1/gates/check", GATE, "2026.11-1"),
    ("/v1/reviewers/select", REVIEW, "2026.11-1"),
    ("/v1/decide/price_review", PRICE_QUOTE, "1.0"),
    ("/v1/decide/price_review/batch", {"items": [PRICE_QUOTE]}, "1.0"),
]


def _bump(folder: Path, threshold: int, version: str) -> RuleBundle:
    grading = folder / "grading.yaml"
    text = grading.read_text(encoding="utf-8")
    text = re.sub(r"^threshold: \d+", f"threshold: {threshold}", text, flags=re.M)
    text = re.sub(r'^version: ".*"', f'version: "{version}"', text, flags=re.M)
    grading.write_text(text, encoding="utf-8")
    return RuleBundle.of_folder(folder)


def _store(db: Path) -> BundleStore:
    return BundleStore(create_engine(f"sqlite:///{db}"))


def _wait_for(check, seconds: float = 5.0) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, "not picked up in time"
        time.sleep(0.05)
    return time.monotonic() - start


def test_database_source_serves_the_effective_bundle_and_picks_up_a_new_one(tmp_path: Path, rules_copy: Path) -> None:
    db = tmp_path / "g.db"
    store = _store(db)
    today = today_cst()
    old = RuleBundle.of_folder(RULES)
    store.publish(old, today - timedelta(days=30), "test")
    settings = Settings(db_path=db, rules_source="database", bundle_poll_s=0.2, rules_dir=tmp_path / "nowhere")
    with LiveServer(settings) as live:
        system = auth(live.keys["system"])

        def threshold() -> int:
            return httpx.post(live.url + "/v1/grade", json=PROJECT, headers=system).json()["threshold"]

        assert threshold() == 40
        # a bundle effective tomorrow is stored but not served yet
        store.publish(_bump(rules_copy, 41, "2026.12-1"), today + timedelta(days=1), "test")
        time.sleep(0.6)
        assert threshold() == 40
        # one effective today reaches the running service without a restart
        store.publish(_bump(rules_copy, 43, "2026.12-2"), today, "test")
        _wait_for(lambda: threshold() == 43)
        # a bundle that does not load is logged; the last good one keeps serving
        broken = dict(RuleBundle.of_folder(rules_copy).files)
        broken["grading.yaml"] = (
            broken["grading.yaml"]
            .replace('version: "2026.12-2"', 'version: "2026.12-3"')
            .replace("threshold: 43", "threshold: many")
        )
        store.publish(RuleBundle.of_files(broken), today, "test")

        def refused() -> bool:
            view = httpx.get(live.url + "/v1/rulesets", headers=auth(live.keys["viewer"])).json()
            return view["last_refused"] is not None and any("threshold" in i for i in view["last_refused"]["issues"])

        _wait_for(refused)
        assert threshold() == 43


def test_serve_refuses_the_database_source_without_an_effective_bundle(tmp_path: Path) -> None:
    env = {
        "GRADEGATE_DB_PATH": str(tmp_path / "g.db"),
        "GRADEGATE_RULES_SOURCE": "database",
        "GRADEGATE_AUTH_DISABLED": "true",
    }
    result = run_cli("serve", "--port", "1", env=env)
    assert result.returncode == 1
    assert result.stderr == (
        f"错误：拒绝启动：GRADEGATE_RULES_SOURCE=database，但 sqlite:///{tmp_path / 'g.db'} "
        "中没有今天生效的规则包；请用 gradegate rules publish 发布\n"
    )


def test_as_of_on_every_decision_route(tmp_path: Path, rules_copy: Path) -> None:
    db = tmp_path / "g.db"
    store = _store(db)
    first = RuleBundle.of_folder(RULES)
    store.publish(first, date(2026, 1, 1), "test")
    _bump(rules_copy, 38, "2026.03-1")
    for name, version in (
        ("gates.yaml", "2026.11-1"),
        ("reviewers.yaml", "2026.11-1"),
        ("tables/price_review.yaml", "1.0"),
    ):
        path = rules_copy / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f'version: "{version}"', 'version: "2026.03-1"'), encoding="utf-8")
    second = RuleBundle.of_folder(rules_copy)
    store.publish(second, date(2026, 3, 1), "test")
    with LiveServer(Settings(db_path=db, reload_poll_s=0)) as live:
        system, viewer = auth(live.keys["system"]), auth(live.keys["viewer"])
        for route, body, first in ROUTES:
            now = httpx.post(live.url + route, json=body, headers=system)
            assert now.status_code == 200, (route, now.text)
            assert now.json()["ruleset"]["version"] == first  # folder mode: the folder serves
            for day, version in (("2026-02-28", first), ("2026-03-01", "2026.03-1"), ("2027-01-01", "2026.03-1")):
                answer = httpx.post(f"{live.url}{route}?as_of={day}", json=body, headers=system)
                assert answer.status_code == 200, (route, day, answer.text)
                used = answer.json()["ruleset"]
                assert used["version"] == version, (route, day)
                logged = httpx.get(f"{live.url}/v1/decisions/{answer.json()['decision_id']}", headers=viewer).json()
                assert logged["ruleset"] == used
            early = httpx.post(f"{live.url}{route}?as_of=2025-12-31", json=body, headers=system)
            assert early.status_code == 422 and early.headers["content-type"] == "application/problem+json"
            problem = early.json()
            assert problem["errors"][0]["field"] == "as_of" and problem["errors"][0]["value"] == "2025-12-31"
            assert "2026-01-01" in problem["errors"][0]["accepted"]
            bad = httpx.post(f"{live.url}{route}?as_of=yesterday", json=body, headers=system)
            assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "as_of"
        graded = httpx.post(f"{live.url}/v1/grade?as_of=2026-03-01", json=PROJECT, headers=system).json()
        assert graded["threshold"] == 38
