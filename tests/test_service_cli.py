"""`gradegate keys` and `gradegate serve`, through the real entry point."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from gradegate.scoring.rulefile import content_hash
from tests.helpers import ROOT, run_cli
from tests.test_auth_matrix import PROJECT


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"GRADEGATE_DB_PATH": str(tmp_path / "service.db"), **extra}


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    made = run_cli("keys", "create", "--role", "viewer", "--label", "dashboards", env=env)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("gg_") and len(key) > 40
    key_id = key.split("_")[1]
    assert made.stderr == (
        f"已在 sqlite:///{tmp_path / 'service.db'} 中创建密钥 {key_id}（角色 viewer）\n请立即保存：密钥只显示这一次\n"
    )
    listed = run_cli("keys", "list", env=env)
    assert listed.returncode == 0 and key_id in listed.stdout and "dashboards" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout  # the secret is never shown again
    assert key.split("_", 2)[2] not in (tmp_path / "service.db").read_bytes().decode("latin-1")  # stored hashed
    revoked = run_cli("keys", "revoke", key_id, env=env)
    assert revoked.returncode == 0 and revoked.stderr == f"已吊销密钥 {key_id}\n", revoked.stderr
    again = run_cli("keys", "revoke", key_id, env=env)
    assert again.returncode == 1
    assert again.stderr == f"错误：没有有效的密钥 '{key_id}'（见 gradegate keys list）\n"


def test_keys_refuse_an_unknown_role(tmp_path: Path) -> None:
    result = run_cli("keys", "create", "--role", "superuser", env=env_for(tmp_path))
    assert result.returncode == 1
    assert "superuser" in result.stderr and "submitter" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_to_start_without_keys(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "1", env=env_for(tmp_path))
    assert result.returncode == 1
    assert "no API key" in result.stderr and "gradegate keys create" in result.stderr


def test_serve_refuses_auth_disabled_off_loopback(tmp_path: Path) -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "1", env=env_for(tmp_path, GRADEGATE_AUTH_DISABLED="1"))
    assert result.returncode == 1 and "loopback" in result.stderr


def test_serve_refuses_broken_rules_and_bad_settings(tmp_path: Path, rules_copy: Path) -> None:
    (rules_copy / "grading.yaml").write_text("name: x\n", encoding="utf-8")
    result = run_cli("serve", "--rules", rules_copy, env=env_for(tmp_path, GRADEGATE_AUTH_DISABLED="1"))
    assert result.returncode == 1 and "grading.yaml" in result.stderr
    result = run_cli("serve", env=env_for(tmp_path, GRADEGATE_MAX_BATCH_ITEMS="lots"))
    assert result.returncode == 1 and "max_batch_items" in result.stderr and "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(args: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    exe = Path(sys.executable).parent / "gradegate"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), *args],
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gradegate serve did not answer within 60 s"
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _versions_by_worker(url: str, headers: dict[str, str], want: int = 2) -> dict[int, str]:
    """Each worker's grading rule-set version, asked on new connections until `want` workers answered."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + 30
    while len(seen) < want and time.monotonic() < deadline:
        view = httpx.get(url + "/v1/rulesets", headers=headers).json()
        seen[view["worker"]] = next(r["version"] for r in view["rulesets"] if r["kind"] == "grading")
    return seen


@pytest.mark.slow
def test_serve_with_two_workers_grades_and_every_worker_picks_up_rule_changes(tmp_path: Path, rules_copy: Path) -> None:
    env = env_for(tmp_path, GRADEGATE_RELOAD_POLL_S="0.2")
    key = run_cli("keys", "create", "--role", "system", env=env).stdout.strip()
    viewer = {"Authorization": f"Bearer {run_cli('keys', 'create', '--role', 'viewer', env=env).stdout.strip()}"}
    headers = {"Authorization": f"Bearer {key}"}
    with serving(["--workers", "2", "--rules", str(rules_copy)], env, tmp_path / "serve.log") as (url, _):
        first = httpx.post(url + "/v1/grade", json=PROJECT, headers=headers)
        assert first.status_code == 200 and first.json()["ruleset"]["version"] == "2026.11-1"
        # A new connection each time: the kernel spreads them over both worker processes.
        before = _versions_by_worker(url, viewer)
        assert len(before) == 2, f"only worker(s) {sorted(before)} answered"
        assert set(before.values()) == {"2026.11-1"}
        path = rules_copy / "grading.yaml"
        text = path.read_text(encoding="utf-8").replace('version: "2026.11-1"', 'version: "2026.11-2"')
        path.write_text(text, encoding="utf-8")
        time.sleep(1)  # five polls of every worker
        after = _versions_by_worker(url, viewer)
        assert after == dict.fromkeys(before, "2026.11-2"), "every worker, the same processes, serves the new rules"
        answers = [httpx.post(url + "/v1/grade", json=PROJECT, headers=headers).json() for _ in range(40)]
        assert {a["ruleset"]["version"] for a in answers} == {"2026.11-2"}
        assert {a["ruleset"]["hash"] for a in answers} == {content_hash(text.encode("utf-8"))}
