"""The decision tables in the OpenAPI document. The tables are files (a reload may add one), so
they are described each time the document is asked for: each table's record as a schema of its
own (`Decide<Table>In`, the generated client's class), the decide routes' bodies by reference
(`DecideIn`: one of them; `DecideBatchIn`), and examples of records and of real answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from gradegate.scoring import GradegateError, TableRuleSet
from gradegate.service.openapi import REF
from gradegate.service.routes_tables import DECIDE_PATH

BATCH_PATH = DECIDE_PATH + "/batch"
EXAMPLE_DECISION_ID = "0190c3a2-7b1e-7c4d-9a6f-2d8e5b1f4a30"


def document_tables(app: FastAPI, openapi: dict[str, Any]) -> dict[str, Any]:
    """The tables' records, bodies, `table` parameter and examples in the decide routes' entries."""
    service = getattr(app.state, "service", None)
    if service is None:
        return openapi
    with service.rules.use() as rules:
        tables = list(rules.tables.values())
        # Each table deciding its example record: the answers shown are real ones. A table whose
        # generated example it refuses (a tight text limit, say) is shown without an answer example:
        # the document must never fail because of one table file.
        decided = {code: out for code, out in ((t.code, _example_answer(t)) for t in tables) if out is not None}
    _add_schemas(openapi.setdefault("components", {}).setdefault("schemas", {}), tables)
    paths = openapi.get("paths", {})
    records = {t.code: {"summary": t.rules.label, "value": t.example()} for t in tables}
    batches = {code: {**e, "value": {"items": [e["value"]]}} for code, e in records.items()}
    for path, body, shown in ((DECIDE_PATH, "DecideIn", records), (BATCH_PATH, "DecideBatchIn", batches)):
        operation = paths.get(path, {}).get("post")
        if operation is None:
            continue
        content = {"application/json": {"schema": {"$ref": REF.format(model=body)}, "examples": shown}}
        operation["requestBody"] = {"required": True, "content": content}
        for parameter in operation.get("parameters", []):
            if parameter.get("name") == "table":
                parameter["schema"] = {"type": "string", "enum": [t.code for t in tables]}
                parameter["description"] = "; ".join(f"{t.code}: {t.rules.label}" for t in tables)
                parameter["examples"] = {t.code: {"summary": t.rules.label, "value": t.code} for t in tables}
    one = {code: {**out, "decision_id": EXAMPLE_DECISION_ID} for code, out in decided.items()}
    many = {t.code: _batch_answer(t, decided[t.code]) for t in tables if t.code in decided}
    for path, shown in ((DECIDE_PATH, one), (BATCH_PATH, many)):
        if path in paths:
            paths[path]["post"]["responses"]["200"]["content"]["application/json"]["examples"] = {
                code: {"summary": records[code]["summary"], "value": value} for code, value in shown.items()
            }
    if "/v1/tables" in paths:
        answer = paths["/v1/tables"]["get"]["responses"]["200"]["content"]["application/json"]
        answer["example"] = {"tables": [t.describe() for t in tables]}
    return openapi


def _example_answer(table: TableRuleSet) -> dict[str, Any] | None:
    try:
        return table.decide(table.example()).model_dump(mode="json")
    except GradegateError:
        return None


def record_schema_name(table: TableRuleSet) -> str:
    """`project_class` → `DecideProjectClassIn`: ASCII, so a generated client can name its class."""
    return "Decide" + "".join(part.capitalize() for part in table.code.split("_")) + "In"


def _add_schemas(schemas: dict[str, Any], tables: list[TableRuleSet]) -> None:
    for table in tables:
        name = record_schema_name(table)
        described = f"A record for the table {table.code} ({table.rules.label})"
        schemas[name] = {**table.json_schema(), "title": name, "description": described}
    refs = [{"$ref": REF.format(model=record_schema_name(t))} for t in tables]
    schemas["DecideIn"] = (
        {"oneOf": refs, "description": "a record for one of the tables"} if refs else {"type": "object"}
    )
    schemas["DecideBatchIn"] = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": REF.format(model="DecideIn")}}},
        "required": ["items"],
        "additionalProperties": False,
    }


def _batch_answer(table: TableRuleSet, decided: dict[str, Any]) -> dict[str, Any]:
    result = {"index": 0, "id": decided["id"], "ok": True, "result": decided}
    return {"decision_id": EXAMPLE_DECISION_ID, "table": table.code, "ruleset": table.ref.model_dump(mode="json"),
            "decided": 1, "failed": 0, "results": [result]}  # fmt: skip
