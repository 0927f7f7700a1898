"""An integrator's view of the API: a client generated from the live /openapi.json (with
openapi-python-client, offline) calls every route, sends typed bodies and reads typed answers,
problem+json included."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from gradegate.service.schemas import BATCH_SECOND, PROJECT_EXAMPLE
from gradegate.service.schemas_decide import GATE_EXAMPLE, REVIEW_EXAMPLE
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer
from tests.helpers import CASES, DATA

PACKAGE = "gg_client"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(Settings(db_path=tmp_path_factory.mktemp("client") / "d.db", reload_poll_s=0)) as server:
        yield server


@pytest.fixture(scope="module")
def spec(live: LiveServer) -> dict[str, Any]:
    return httpx.get(live.url + "/openapi.json").json()


@pytest.fixture(scope="module")
def client_root(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The generated client package, importable as `gg_client`."""
    root = tmp_path_factory.mktemp("generated")
    (root / "openapi.json").write_bytes(httpx.get(live.url + "/openapi.json").content)
    (root / "config.yaml").write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n", encoding="utf-8")
    tool = Path(sys.executable).parent / "openapi-python-client"
    made = subprocess.run(
        [str(tool), "generate", "--path", "openapi.json", "--config", "config.yaml", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=root, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Warning" not in made.stdout + made.stderr, made.stdout + made.stderr  # every schema understood
    sys.path.insert(0, str(root))
    try:
        yield root / PACKAGE
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Api:
    """The generated client: one module per operation, found by its operation id; records each call."""

    def __init__(self, root: Path, live: LiveServer):
        self.root, self.live = root, live
        self.client_mod = importlib.import_module(f"{PACKAGE}.client")
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.types = importlib.import_module(f"{PACKAGE}.types")
        self.called: set[str] = set()
        self.clients: list[Any] = []

    def op(self, operation_id: str) -> ModuleType:
        (path,) = self.root.glob(f"api/*/{operation_id}.py")
        self.called.add(operation_id)
        return importlib.import_module(f"{PACKAGE}.api.{path.parent.name}.{operation_id}")

    def as_role(self, role: str | None) -> Any:
        if role is None:
            client = self.client_mod.Client(base_url=self.live.url)
        else:
            client = self.client_mod.AuthenticatedClient(base_url=self.live.url, token=self.live.keys[role])
        self.clients.append(client)
        return client


@pytest.fixture(scope="module")
def api(client_root: Path, live: LiveServer) -> Iterator[Api]:
    generated = Api(client_root, live)
    yield generated
    for client in generated.clients:
        client.get_httpx_client().close()


def test_the_document_is_complete(spec: dict[str, Any]) -> None:
    problem_codes = {"401", "403", "404", "413", "422", "503"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            if path.startswith("/v1/"):
                assert problem_codes <= set(op["responses"]), where
                for code in problem_codes:
                    content = op["responses"][code]["content"]
                    assert list(content) == ["application/problem+json"], where
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/ProblemDetails"
                    }
            ok = next(c for c in op["responses"] if c.startswith("2"))
            assert op["responses"][ok].get("content"), f"{where}: untyped answer"
            schemas = [c.get("schema", {}) for c in op["responses"][ok]["content"].values()]
            assert all(s and s != {} for s in schemas), f"{where}: untyped answer"
            examples = []
            if "requestBody" in op:
                body = op["requestBody"]["content"]
                media = body.get("application/json") or body.get("multipart/form-data")
                assert media["schema"].get("$ref"), f"{where}: untyped body"
                examples.append(media.get("examples") or _component(spec, media["schema"]).get("examples"))
            examples += [
                p.get("examples") or p.get("example") or p.get("schema", {}).get("examples")
                for p in op.get("parameters", [])
                if p.get("required")
            ]
            examples += [c.get("example") for c in op["responses"][ok]["content"].values()]
            examples.append(_component(spec, schemas[0]).get("examples"))
            if "$ref" in schemas[0]:
                props = _component(spec, schemas[0]).get("properties", {})
                examples += [p.get("examples") for p in props.values()]
            assert any(examples), f"{where}: no example"
    schemas = spec["components"]["schemas"]
    project = schemas["ProjectIn"]
    assert {"project_id", "amount_rmb", "strategic_status", "risk", "product_line_count"} <= set(project["required"])
    assert {"type": "number"} in project["properties"]["amount_rmb"]["anyOf"]
    assert {"type": "string"} in project["properties"]["amount_rmb"]["anyOf"]
    assert schemas["StrategicStatus"]["enum"] == ["core", "important", "general"]
    assert "core 战略核心 · important 重要 · general 一般" in project["properties"]["strategic_status"]["description"]
    assert (
        schemas["GateCode"]["enum"][:2] == ["SDP1", "R1"]
        and "SDP1 立项决策" in schemas["GateCheckIn"]["properties"]["gate"]["description"]
    )
    assert set(schemas["ReviewIn"]["required"]) == {"kind", "id", "amount_rmb", "clauses", "submitter"}
    assert "technical_terms 技术条款" in schemas["ReviewIn"]["properties"]["clauses"]["description"]
    assert "HTTPValidationError" not in schemas
    # The decision tables: each record a schema of its own, the bodies by reference, their own 404.
    record = schemas["DecideProjectClassIn"]
    assert record["required"] == ["project_id", "amount_rmb", "has_precedent", "needs_rnd_change"]
    assert record["additionalProperties"] is False and record["properties"]["amount_rmb"]["title"] == "标的额(元)"
    assert {"$ref": "#/components/schemas/DecideProjectClassIn"} in schemas["DecideIn"]["oneOf"]
    assert schemas["DecideBatchIn"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/DecideIn"}
    decide = spec["paths"]["/v1/decide/{table}"]["post"]
    assert decide["responses"]["404"]["content"]["application/problem+json"]["example"]["type"] == (
        "urn:gradegate:problem:unknown-table"
    )
    shown = decide["responses"]["200"]["content"]["application/json"]["examples"]["project_class"]["value"]
    assert shown["outputs"]["project_class_label"] == "重大项目" and shown["decision_id"]
    listed = spec["paths"]["/v1/tables"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert [t["code"] for t in listed["tables"]] == ["key_project", "price_review", "project_class"]


def _component(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def test_a_generated_client_calls_every_route(api: Api, spec: dict[str, Any]) -> None:
    m = api.models
    health = api.op("healthz").sync_detailed(client=api.as_role(None))
    assert health.status_code == 200 and health.parsed.status == "ok"

    system = api.as_role("system")
    graded = api.op("grade").sync(client=system, body=m.ProjectIn.from_dict(PROJECT_EXAMPLE), what_if=True)
    assert isinstance(graded, m.GradeOut) and graded.level == "company" and graded.total_score == 54
    assert graded.what_if is not None and graded.decision_id
    batch = api.op("grade_batch").sync(
        client=api.as_role("submitter"),
        body=m.BatchIn.from_dict({"items": [PROJECT_EXAMPLE, BATCH_SECOND]}),
    )
    assert isinstance(batch, m.BatchOut) and (batch.graded, batch.failed) == (2, 0)
    assert [r.result.project_id for r in batch.results] == ["P2026-001", "P2026-002"]
    gate = api.op("gate_check").sync(client=system, body=m.GateCheckIn.from_dict(GATE_EXAMPLE))
    assert isinstance(gate, m.GateCheckOut) and gate.ready is False
    assert [(b.code, b.owner_role) for b in gate.blocking] == [("grading_form", "marketing_manager")]
    panel = api.op("reviewers_select").sync(client=system, body=m.ReviewIn.from_dict(REVIEW_EXAMPLE))
    assert isinstance(panel, m.ReviewerOut) and panel.decision_authority == "countersign"
    assert [r.role for r in panel.required_roles][:3] == [
        "sales_mgmt_signatory",
        "finance_signatory",
        "legal_signatory",
    ]

    viewer = api.as_role("viewer")
    history = api.op("decision_history").sync(client=viewer, project_id="P2026-001")
    assert isinstance(history, m.DecisionList) and history.count == 3  # grade, batch, gate check
    assert history.decisions[0].route == "/v1/gates/check"
    one = api.op("decision").sync(client=viewer, decision_id=graded.decision_id)
    assert isinstance(one, m.Decision) and one.ruleset.name == "default-grading"
    rulesets = api.op("rulesets").sync(client=viewer)
    assert isinstance(rulesets, m.RulesetsOut) and {r.kind for r in rulesets.rulesets} >= {"grading", "gates"}
    bundles = api.op("list_bundles").sync(client=api.as_role("analyst"))
    assert isinstance(bundles, m.BundlesOut) and bundles.total == len(bundles.bundles) == 0  # none published here
    reloaded = api.op("reload_rules").sync(client=api.as_role("analyst"))
    assert isinstance(reloaded, m.RulesetsOut) and reloaded.generation == rulesets.generation + 1
    portfolio = (DATA / "sample_portfolio.csv").read_bytes()[:20_000].rsplit(b"\n", 1)[0] + b"\n"
    upload = m.BodyReport(file=api.types.File(payload=io.BytesIO(portfolio), file_name="p.csv"))
    page = api.op("report").sync_detailed(client=viewer, body=upload, format_=m.ReportFormat.HTML)
    assert page.status_code == 200 and page.content.startswith(b"<!doctype html>")

    admin = api.as_role("admin")
    created = api.op("create_key").sync(client=admin, body=m.KeyCreateIn(role="viewer", label="generated client"))
    assert isinstance(created, m.KeyCreated) and created.key.startswith("gg_") and created.role == "viewer"
    keys = api.op("list_keys").sync(client=admin)
    assert created.id in [k.id for k in keys]
    revoked = api.op("revoke_key").sync(client=admin, key_id=created.id)
    assert isinstance(revoked, m.KeyRevoked) and revoked.revoked is True

    lines = (CASES / "table_project_class_public.jsonl").read_text("utf-8").splitlines()
    first, second = [case for case in map(json.loads, lines) if "expected" in case][:2]  # public cases
    record = m.DecideProjectClassIn.from_dict(first["input"])
    decided = api.op("decide").sync(m.DecideTable.PROJECT_CLASS, client=system, body=record)
    assert isinstance(decided, m.DecideOut) and decided.table == "project_class" and decided.decision_id
    assert decided.id == first["input"]["project_id"]
    assert {name: decided.outputs[name] for name in ("project_class", "reasons")} == first["expected"]
    records = m.DecideBatchIn([m.DecideProjectClassIn.from_dict(c["input"]) for c in (first, second)])
    many = api.op("decide_batch").sync(m.DecideBatchTable.PROJECT_CLASS, client=api.as_role("submitter"), body=records)
    assert isinstance(many, m.DecideBatchOut) and (many.decided, many.failed) == (2, 0)
    assert [r.id for r in many.results] == [c["input"]["project_id"] for c in (first, second)]
    expected = [c["expected"] for c in (first, second)]
    assert [{name: r.result.outputs[name] for name in ("project_class", "reasons")} for r in many.results] == expected
    tables = api.op("list_tables").sync(client=viewer)
    assert isinstance(tables, m.TablesOut)
    assert [t.code for t in tables.tables] == ["key_project", "price_review", "project_class"]

    operations = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert operations == api.called


def test_problems_arrive_typed(api: Api) -> None:
    m = api.models
    bad = {**PROJECT_EXAMPLE, "strategic_status": "最重要"}
    answer = api.op("grade").sync_detailed(client=api.as_role("system"), body=m.ProjectIn.from_dict(bad))
    assert answer.status_code == 422 and isinstance(answer.parsed, m.ProblemDetails)
    assert answer.parsed.errors[0].field == "strategic_status" and answer.parsed.errors[0].value == "最重要"
    anonymous = api.op("rulesets").sync_detailed(client=api.as_role(None))
    assert anonymous.status_code == 401 and anonymous.parsed.type_ == "urn:gradegate:problem:unauthenticated"
    wrong_role = api.op("grade").sync_detailed(
        client=api.as_role("viewer"), body=m.ProjectIn.from_dict(PROJECT_EXAMPLE)
    )
    assert wrong_role.status_code == 403 and wrong_role.parsed.status == 403
    missing = api.op("decision").sync_detailed(client=api.as_role("viewer"), decision_id="nope")
    assert missing.status_code == 404 and missing.parsed.type_ == "urn:gradegate:problem:decision-not-found"
