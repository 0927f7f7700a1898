"""The decision history page at `/history` (决策历史): a project's past decisions,
newest first, each with what was decided, when (China Standard Time), by which
rule set, and its input and output — the same list as `GET /v1/decisions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.reports.formatting import china_time
from gradegate.service.decision_log import Decision
from gradegate.service.pages import FormField, render
from gradegate.service.problems import Problem
from gradegate.service.routes_admin import parse_since

router = APIRouter(include_in_schema=False)
TEMPLATE = "history.html"
LIMIT = 200
ROUTE_LABELS = {
    "/": "项目等级评定（表单）",
    "/v1/grade": "项目等级评定",
    "/v1/grade/batch": "批量等级评定",
    "/gates": "关口就绪检查（页面）",
    "/v1/gates/check": "关口就绪检查",
    "/reviewers": "评审专家选择（页面）",
    "/v1/reviewers/select": "评审专家选择",
}
# Decision tables log under their own code: /v1/decide/{table}[/batch] and the page's /tables/{table}.
TABLE_ROUTES = (("/v1/decide/", "/batch", "决策表", "批量决策表"), ("/tables/", "", "决策表（页面）", ""))


def route_label(route: str) -> str:
    """The decision's kind as a person names it; the table itself is named in the outcome."""
    if route in ROUTE_LABELS:
        return ROUTE_LABELS[route]
    for prefix, batch_suffix, single, batch in TABLE_ROUTES:
        if route.startswith(prefix):
            return batch if batch_suffix and route.endswith(batch_suffix) else single
    return route


FIELDS = [
    FormField("project_id", "项目编号 / 订单或合同编号", "text"),
    FormField("since", "起始日期", "text", False, hint="YYYY-MM-DD，北京时间；留空为全部"),
]


@dataclass
class Row:
    decision_id: str
    when: str
    what: str
    outcome: str
    ruleset: str
    caller: str
    input: str
    output: str


def outcome(decision: Decision, subject: str) -> str:
    """What was decided, in a line: the level, the gate's readiness, the panel's authority, the table's outputs."""
    out = decision.output if isinstance(decision.output, dict) else {}
    if "results" in out:  # a batch: this project's own item (a table's batch names it `id`)
        item = next((r for r in out["results"] if _item_subject(r) == subject), None)
        if item is None:
            return ""
        if not item.get("ok"):
            return "未评定：输入有误" if "graded" in out else "未决定：输入有误"
        out = item.get("result") or {}
    if "level_label" in out and "total_score" in out:
        return f"{out['level_label']} · 总分 {out['total_score']}"
    if "ready" in out and "gate" in out:
        verdict = "不适用" if not out.get("applicable", True) else ("就绪" if out["ready"] else "受阻")
        return f"{out['gate']} {out.get('gate_label', '')} · {verdict}"
    if "required_roles" in out:
        authority = out.get("decision_authority_label", "")
        return f"{out.get('kind_label', '')} · 决策 {authority} · 未能指派 {out.get('unfilled', 0)}"
    if "table_label" in out and isinstance(out.get("outputs"), dict):
        # Each single-valued output by its label (重大项目); lists (the reasons) stay in the full output.
        shown = [v for k, v in out["outputs"].items() if k.endswith("_label") and isinstance(v, str)]
        return " · ".join([out["table_label"], *shown])
    return ""


def _item_subject(item: dict[str, Any]) -> str:
    return str(item.get("project_id", item.get("id", "")) or "").strip()


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def _row(decision: Decision, subject: str) -> Row:
    r = decision.ruleset
    return Row(
        decision.decision_id,
        china_time(decision.created_at),
        route_label(decision.route),
        outcome(decision, subject),
        f"{r.name} {r.version}",
        decision.key_id or "",
        _json(decision.input),
        _json(decision.output),
    )


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, project_id: str = "", since: str = "") -> HTMLResponse:
    values = {"project_id": project_id, "since": since}
    subject = project_id.strip()
    if not subject:
        return render(request, TEMPLATE, active="/history", fields=FIELDS, values=values, rows=None, subject="")
    try:
        moment = parse_since(since)
    except Problem as exc:
        errors = {"since": [f"起始日期 {since!r} 不是日期；请写成 2026-11-01"]} if exc.errors else {}
        return render(
            request, TEMPLATE, active="/history", fields=FIELDS, values=values, rows=None, subject="", errors=errors
        )
    found = request.app.state.service.log.history(subject, since=moment, limit=LIMIT)
    rows = [_row(d, subject) for d in found]
    return render(
        request, TEMPLATE, active="/history", fields=FIELDS, values=values, rows=rows, subject=subject, limit=LIMIT
    )
