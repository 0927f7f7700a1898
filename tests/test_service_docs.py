"""The docs' service section stays complete: every setting, route, role and problem type."""

from __future__ import annotations

import re

from gradegate.service.app import create_app
from gradegate.service.keys import ROLES
from gradegate.service.settings import Settings
from tests.helpers import ROOT, doc_section

API = doc_section("api")  # docs/api.md, for integrators
OPERATIONS = doc_section("operations")  # docs/operations.md, for operators


def test_every_setting_is_documented_for_operators() -> None:
    for name in Settings.model_fields:
        assert f"| `GRADEGATE_{name.upper()}` |" in OPERATIONS, name


def all_routes(routes: list) -> list:
    """Every route, through included routers (FastAPI keeps those as `_IncludedRouter` entries)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += all_routes(inner.routes) if inner is not None else [route]
    return found


def test_every_route_is_documented(tmp_path) -> None:
    """Each route of the OpenAPI schema, with each of its methods, has a row in the API guide's routes table."""
    app = create_app(Settings(db_path=tmp_path / "d.db", auth_disabled=True))
    paths = app.openapi()["paths"]
    table = API[API.index("### Routes") :].split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(paths) >= 10
    for path, operations in {**paths, "/docs": {"get": {}}, "/openapi.json": {"get": {}}}.items():
        shown = path.replace("{key_id}", "{id}")
        row = next((r for r in rows if re.search(rf" {re.escape(shown)}[`?\\]", r)), None)
        assert row is not None, f"{path} has no row in the routes table"
        for method in operations:
            assert method.upper() in row, f"{method.upper()} {path} is not in its row: {row}"


def test_every_role_and_problem_type_is_documented() -> None:
    for role in ROLES:
        assert f"| `{role}` |" in API, role
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "service").glob("*.py"))
    slugs = set(re.findall(r'Problem\(\s*\d{3},\s*"([a-z-]+)"', source)) | set(
        re.findall(r'\d{3}: \("([a-z-]+)"', source)
    )
    assert len(slugs) >= 10
    for slug in slugs:
        assert f"`{slug}`" in API, slug


def test_commands_and_benchmark_are_documented() -> None:
    cli, bench = doc_section("cli"), doc_section("benchmarks")
    assert "### gradegate serve" in cli and "### gradegate keys" in cli
    assert "### HTTP service" in bench and "bench/bench_http.py" in bench
    for database in ("SQLite", "PostgreSQL"):  # the figures, a range for each decision log
        assert re.search(rf"`POST /v1/grade`, decision log on {database} \| [\d,]+–[\d,]+ \|", bench), database


def test_every_page_is_documented(tmp_path) -> None:
    app = create_app(Settings(db_path=tmp_path / "d.db", auth_disabled=True))
    pages = {
        route.path
        for route in all_routes(app.routes)
        if not getattr(route, "include_in_schema", True)
        and "GET" in getattr(route, "methods", ())
        and route.path not in app.openapi()["paths"]
        and not route.path.startswith(("/docs", "/redoc", "/openapi"))
    }
    assert {"/", "/gates", "/reviewers", "/history"} <= pages
    text = doc_section("pages")
    for path in pages:
        assert f"| `{path}" in text, path
        assert f"`GET {path}" in API, path
