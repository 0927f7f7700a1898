"""gradegate installed as a user installs it: one import package with its defaults inside.

The wheel is built from this checkout and installed into a fresh virtual
environment (its dependencies from the package index, as `pip install .`
would); every command then runs from an empty folder, so nothing of the
checkout can stand in for what the wheel must carry.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import CASES, ROOT, RULES, run_cli
from tests.test_grading_cases import _assert_matches

SHIPPED = ["gradegate/rules/grading.yaml", "gradegate/rules/gates.yaml", "gradegate/rules/reviewers.yaml",
           "gradegate/data/experts.csv", "gradegate/service/templates/form.html", "gradegate/service/static/form.css",
           "gradegate/reports/templates/report.html"]  # fmt: skip


def _clean_env() -> dict[str, str]:
    """The caller's environment without anything that could point back into the checkout."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GRADEGATE_", "PYTHON", "VIRTUAL_ENV"))}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    return next(out.glob("gradegate-*.whl"))


def test_the_wheel_installs_one_import_package_with_its_defaults(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"gradegate"}
    assert not [n for n in names if n.startswith("gradegate/") and n.count("/") == 1 and n.endswith(".py")], (
        "gradegate is a namespace: no module of its own at the top"
    )
    for path in SHIPPED:
        assert path in names, f"{path} is not in the wheel"
    for rule_file in RULES.glob("*.yaml"):
        assert f"gradegate/rules/{rule_file.name}" in names


@pytest.mark.slow
def test_installed_wheel_grades_the_public_cases_from_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=900,
    )
    assert install.returncode == 0, install.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    exe = str(venv / "bin" / "gradegate")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, cwd=empty, env=_clean_env(), timeout=300)

    check = run("rules", "check")
    assert check.returncode == 0, check.stderr
    assert "全部规则文件有效" in check.stdout and str(ROOT) not in check.stdout

    graded = run("grade", str(CASES / "grading_public_input.csv"), "-o", "graded.csv")
    assert graded.returncode == 0, graded.stderr
    expected = pd.read_csv(CASES / "grading_public_expected.csv", dtype=str, keep_default_na=False)
    _assert_matches(pd.read_csv(empty / "graded.csv", dtype=str, keep_default_na=False), expected)

    copied = run("init", "my-rules")
    assert copied.returncode == 0, copied.stderr
    assert run("rules", "check", "--rules", "my-rules").returncode == 0
    probe = [str(venv / "bin" / "python"), "-c", "import importlib.util as u; print(u.find_spec('scoring'))"]
    assert subprocess.run(probe, capture_output=True, text=True, cwd=empty, env=_clean_env()).stdout.strip() == "None"


def test_init_copies_the_default_rules_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "rules-copy"
    result = run_cli("init", target)
    assert result.returncode == 0, result.stderr
    shipped = sorted(p.relative_to(RULES) for p in RULES.rglob("*.yaml"))
    assert result.stderr == (
        f"已将 {len(shipped)} 个规则文件写入 {target}\n检查规则：gradegate rules check --rules {target}\n"
    )
    assert sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file()) == shipped
    for rel in shipped:
        assert (target / rel).read_bytes() == (RULES / rel).read_bytes()
    assert run_cli("rules", "check", "--rules", target).returncode == 0

    again = run_cli("init", target)
    assert again.returncode == 1
    assert again.stderr == f"错误：{target} 已存在且不是空文件夹；请换一个新文件夹（未写入任何文件）\n"
