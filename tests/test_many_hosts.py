"""Two `gradegate serve` processes on one PostgreSQL (two hosts, in production): one key store,
one decision log, one set of published bundles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.helpers import ROOT, run_cli
from tests.test_auth_matrix import PROJECT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, seconds: float, what: str) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        assert time.monotonic() - start < seconds, f"{what}: not within {seconds} s"
        time.sleep(0.05)


@pytest.fixture
def pg_env(tmp_path: Path, postgres_url: str) -> Iterator[dict[str, str]]:
    schema = f"gg_hosts_{uuid.uuid4().hex[:12]}"
    env = {
        "GRADEGATE_DATABASE_URL": postgres_url,
        "GRADEGATE_DB_SCHEMA": schema,
        "GRADEGATE_RULES_SOURCE": "database",
        "GRADEGATE_KEY_CACHE_S": "1",
        # polling far slower than the 2 s promise: a fast pick-up can only come from LISTEN/NOTIFY
        "GRADEGATE_BUNDLE_POLL_S": "30",
        "GRADEGATE_DB_PATH": str(tmp_path / "unused.db"),
    }
    try:
        yield env
    finally:
        engine = create_engine(postgres_url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_hosts_share_keys_log_and_bundles(pg_env: dict[str, str], rules_copy: Path, tmp_path: Path) -> None:
    assert run_cli("rules", "publish", "--effective-from", "2026-01-01", "--by", "ops", env=pg_env).returncode == 0
    made = run_cli("keys", "create", "--role", "system", env=pg_env)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    exe = Path(sys.executable).parent / "gradegate"
    ports = [_free_port(), _free_port()]
    logs = [(tmp_path / f"host{port}.log").open("w") for port in ports]
    hosts = [
        subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--no-access-log"],
            env={**os.environ, **pg_env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            _wait(lambda url=url: httpx.get(url + "/healthz").status_code == 200, 60, f"{url} start")

        def version(url: str, query: str = "") -> str:
            answer = httpx.post(f"{url}/v1/grade{query}", json=PROJECT, headers=headers)
            assert answer.status_code == 200, answer.text
            return answer.json()["ruleset"]["version"]

        assert [version(u) for u in urls] == ["2026.11-1", "2026.11-1"]
        # a decision made on one host is read back on the other
        made_on_0 = httpx.post(urls[0] + "/v1/grade", json=PROJECT, headers=headers).json()["decision_id"]
        viewer = run_cli("keys", "create", "--role", "viewer", env=pg_env).stdout.strip()
        read = httpx.get(f"{urls[1]}/v1/decisions/{made_on_0}", headers={"Authorization": f"Bearer {viewer}"})
        assert read.status_code == 200 and read.json()["route"] == "/v1/grade"

        # a broken folder is refused and nothing reaches the hosts
        grading = rules_copy / "grading.yaml"
        grading.write_text(
            grading.read_text(encoding="utf-8").replace("threshold: 40", "threshold: forty"), encoding="utf-8"
        )
        refused = run_cli("rules", "publish", "--rules", rules_copy, env=pg_env)
        assert refused.returncode == 1 and "threshold" in refused.stderr

        # a new bundle effective today reaches both hosts (LISTEN/NOTIFY: the poll is 30 s)
        text_ = grading.read_text(encoding="utf-8").replace("threshold: forty", "threshold: 40")
        grading.write_text(
            text_.replace('version: "2026.11-1"', 'version: "2026.12-1"').replace("label: 一般,", "label: 一般项目,"),
            encoding="utf-8",
        )
        published = run_cli("rules", "publish", "--rules", rules_copy, "--by", "ops", env=pg_env)
        assert published.returncode == 0, published.stderr
        delays = [_wait(lambda u=u: version(u) == "2026.12-1", 10, f"publish → {u}") for u in urls]
        print(f"publish → served on two hosts: {delays}")
        # while as_of still decides under the old bundle, the same on both
        old = [httpx.post(f"{u}/v1/grade?as_of=2026-06-01", json=PROJECT, headers=headers).json() for u in urls]
        assert old[0]["ruleset"] == old[1]["ruleset"] and old[0]["ruleset"]["version"] == "2026.11-1"
        assert old[0]["total_score"] == old[1]["total_score"]
        early = [httpx.post(f"{u}/v1/grade?as_of=2025-12-31", json=PROJECT, headers=headers) for u in urls]
        assert [r.status_code for r in early] == [422, 422]

        # a key revoked (from the CLI: a third process) is refused by both within GRADEGATE_KEY_CACHE_S
        key_id = key.split("_")[1]
        assert run_cli("keys", "revoke", key_id, env=pg_env).returncode == 0
        for url in urls:
            _wait(
                lambda url=url: httpx.post(url + "/v1/grade", json=PROJECT, headers=headers).status_code == 401,
                5,
                "revocation",
            )
    finally:
        for host in hosts:
            host.terminate()
        for host in hosts:
            host.wait(15)
        for log in logs:
            log.close()
