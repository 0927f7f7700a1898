"""A web form per decision table at `/tables/{table}`, generated from the table's inputs.

Like the grading form at `/` (web_form.py): server-rendered, no JavaScript, no inline
script or style (CSP-ready), Chinese labels and choices from the table file, the
server's messages beside each field, every decision logged (caller `web-form`).
A table added as a file gets its form with no code.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.reports.templating import environment
from gradegate.scoring import InputError, TableRuleSet
from gradegate.service.pages import PAGE_KEY, FormField
from gradegate.service.problems import Problem

router = APIRouter(include_in_schema=False)
YES_NO = [("true", "是"), ("false", "否")]


def table_fields(table: TableRuleSet) -> list[FormField]:
    fields = []
    for name, spec in table.rules.inputs.items():
        if spec.type == "boolean":
            fields.append(FormField(name, spec.label, "select", spec.required, YES_NO))
        elif spec.type == "enum":
            fields.append(FormField(name, spec.label, "select", spec.required, list((spec.values or {}).items())))
        else:
            fields.append(FormField(name, spec.label, "number" if spec.type == "number" else "text", spec.required))
    return fields


def _render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status)


def _page(table: TableRuleSet, status: int = 200, **context: Any) -> HTMLResponse:
    defaults: dict[str, Any] = {"values": {}, "errors": {}, "result": None, "decision_id": None, "fatal": None}
    info = table.describe()
    return _render("table_form.html", status, table=info, fields=table_fields(table), **{**defaults, **context})


def _table(request: Request, rulesets: Any, code: str) -> TableRuleSet:
    table = rulesets.tables.get(code)
    if table is None:
        raise Problem(404, "unknown-table", "Unknown decision table", f"no decision table {code!r}")
    return table


@router.get("/tables", response_class=HTMLResponse)
def table_index(request: Request) -> HTMLResponse:
    with request.app.state.service.rules.use() as rulesets:
        return _render("table_index.html", tables=[t.describe() for t in rulesets.tables.values()])


@router.get("/tables/{code}", response_class=HTMLResponse)
def table_form(request: Request, code: str) -> HTMLResponse:
    with request.app.state.service.rules.use() as rulesets:
        return _page(_table(request, rulesets, code))


@router.post("/tables/{code}", response_class=HTMLResponse)
async def table_submit(request: Request, code: str) -> HTMLResponse:
    data = await request.form()
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    service = request.app.state.service
    with service.rules.use() as rulesets:
        table = _table(request, rulesets, code)
        record = {k: v for k, v in values.items() if v.strip() != ""}
        try:
            result = table.decide(record)
        except InputError as exc:
            errors: dict[str, list[str]] = {}
            for issue in exc.issues:
                errors.setdefault(issue.field, []).append(issue.message)
            return _page(table, 422, values=values, errors=errors)
        out = result.model_dump(mode="json")
        try:
            decision_id = await service.log.record(
                route=f"/tables/{table.code}", key_id=PAGE_KEY, input=record, output=out, ruleset=result.ruleset
            )
        except Problem as exc:  # no trace, no decision: the page says so instead of showing one
            return _page(table, exc.status_code, values=values, fatal=exc.detail)
        return _page(table, values=values, result=_shown(table, out), decision_id=decision_id)


def _shown(table: TableRuleSet, out: dict[str, Any]) -> dict[str, Any]:
    """The result as the page lists it: each output with its 中文 name, and its value's label."""
    outputs = out["outputs"]
    rows = []
    for item in table.describe()["outputs"]:
        name = item["name"]
        value = outputs.get(name)
        label = outputs.get(f"{name}_label", value)
        if isinstance(value, bool):
            label = "是" if value else "否"
        if isinstance(label, list):
            label = "、".join(str(v) for v in label) or "—"
        rows.append({"name": name, "label": item["label"], "value": "—" if label is None else label})
    return {**out, "rows": rows}
