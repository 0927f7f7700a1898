"""Plain helpers for tests: paths, and the CLI run as a real subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CASES = SHARED / "cases"
RULES = ROOT / "rules"
DATA = ROOT / "data"
ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs"


PG_URL = os.environ.get("GRADEGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    """CI sets CI=true: there a missing service is a failure, not a reason to skip."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def docs_text() -> str:
    """The README and every guide in docs/, as one text: what a reader can find."""
    paths = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def doc_section(name: str) -> str:
    """The text between `<!-- section: NAME … -->` and `<!-- /section: NAME -->`, wherever it lives."""
    match = re.search(rf"<!-- section: {name} .*?-->(.*?)<!-- /section: {name} -->", docs_text(), re.S)
    assert match, f"docs section {name} is missing"
    return match.group(1)


def run_cli(
    *args: str | os.PathLike[str], input: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`gradegate ARGS` as a user runs it: a real subprocess of the installed entry point."""
    exe = Path(sys.executable).parent / "gradegate"
    return subprocess.run(
        [str(exe), *map(str, args)],
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        timeout=300,
    )
