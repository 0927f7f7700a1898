"""docs/security.md stays true to the code: every route in the roles table, every header and policy as served."""

from __future__ import annotations

import re

from gradegate.scoring.safe_cells import FORMULA_STARTS
from gradegate.service.app import create_app
from gradegate.service.settings import Settings
from gradegate.service.web_security import DOCS_CSP, PAGE_CSP, REFERRER_POLICY, REPORT_CSP
from tests.helpers import doc_section

SECURITY = doc_section("security")


def test_every_route_is_in_the_roles_table(tmp_path) -> None:
    table = "\n".join(line for line in SECURITY.splitlines() if line.startswith("| `"))
    paths = create_app(Settings(db_path=tmp_path / "d.db")).openapi()["paths"]
    assert len(paths) >= 10
    for path, operations in paths.items():
        for method in operations:
            assert re.search(rf"`{method.upper()} {re.escape(path)}`", table), f"{method.upper()} {path}"
    for page in ("GET /docs", "GET /redoc", "GET /`, `POST /`"):
        assert page in table


def test_headers_and_policies_are_documented_as_served() -> None:
    for policy in (PAGE_CSP, REPORT_CSP):
        assert policy in SECURITY
    assert "'unsafe-inline'" in DOCS_CSP and "worker-src 'self' blob:" in SECURITY
    for header in ("X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert f"`{header}`" in SECURITY
    assert f"`{REFERRER_POLICY}`" in SECURITY


def test_the_csv_neutralization_rule_is_documented() -> None:
    names = {"=": "`=`", "+": "`+`", "-": "`-`", "@": "`@`", "\t": "a tab", "\r": "a carriage return"}
    assert set(names) == set(FORMULA_STARTS)
    for written in names.values():
        assert written in SECURITY
