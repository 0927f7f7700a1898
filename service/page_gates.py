"""The gate-readiness page at `/gates` (关口就绪检查), for project directors.

Pick a gate, tick the deliverables' statuses (and the flags and gates passed):
the page answers ready or blocked, what blocks, and whose move each item is.
Fields, labels and choices come from the gate rule file in service; each check
is logged like the API's (route `/gates`, caller `web-form`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.scoring import STATUSES, GateRules, InputError
from gradegate.service.pages import FormField, fatal_page, forged, form_values, log_decision, place_issues, render
from gradegate.service.problems import Problem

router = APIRouter(include_in_schema=False)
TEMPLATE = "gates.html"


def _when(rules: GateRules, when: dict[str, bool] | None) -> str:
    if not when:
        return ""
    parts = [("" if value else "非") + rules.flags.get(flag, flag) for flag, value in when.items()]
    return f" · 仅当{'、'.join(parts)}"


def gate_fields(rules: GateRules, gate: str, level_labels: dict[str, str]) -> list[FormField]:
    """The form for one gate: who and what, the flags, the gates passed, then its deliverables."""
    g = rules.gate(gate)
    statuses = list(STATUSES.items())
    level_hint = "决策点必填（决定由谁决策）" if g.needs_level else "本关口不需要"
    fields = [
        FormField("project_id", "项目编号", "text"),
        FormField("level", "项目等级", "select", g.needs_level, list(level_labels.items()), hint=level_hint),
        FormField("flags", "项目情况", "checks", False, list(rules.flags.items())),
        FormField(
            "passed_gates", "已通过的关口", "checks", False, [(x.code, f"{x.code} {x.label}") for x in rules.gates]
        ),
    ]
    for item in g.items:
        hint = (
            f"要求：{STATUSES.get(item.required, item.required)} · 责任人：{rules.roles.get(item.owner, item.owner)}"
            + _when(rules, item.only_if)
        )
        label = rules.deliverables.get(item.deliverable, item.deliverable)
        fields.append(
            FormField(f"deliverables.{item.deliverable}", label, "select", False, statuses, "交付件状态", hint)
        )
    return fields


def request_of(values: dict[str, Any], gate: str) -> dict[str, Any]:
    """The page's answers as a gate-check request (the API's shape): blanks left out."""
    record: dict[str, Any] = {"project_id": values["project_id"], "gate": gate}
    if values.get("level"):
        record["level"] = values["level"]
    record["flags"] = {flag: True for flag in values.get("flags", [])}
    record["passed_gates"] = values.get("passed_gates", [])
    record["deliverables"] = {
        name.removeprefix("deliverables."): value
        for name, value in values.items()
        if name.startswith("deliverables.") and value
    }
    return record


def _page(request: Request, gate: str | None, **context: Any) -> HTMLResponse:
    with request.app.state.service.rules.use() as rulesets:
        rules = rulesets.gates.rules
        known = {g.code for g in rules.gates}
        chosen = gate if gate is not None and gate in known else rules.gates[0].code
        fields = gate_fields(rules, chosen, rulesets.grading.rules.level_labels)
        return render(
            request,
            TEMPLATE,
            active="/gates",
            rules=rules,
            gate=rules.gate(chosen),
            fields=fields,
            statuses=STATUSES,
            **context,
        )


@router.get("/gates", response_class=HTMLResponse)
def gates_page(request: Request, gate: str | None = None) -> HTMLResponse:
    return _page(request, gate, result=None)


@router.post("/gates", response_class=HTMLResponse)
async def gates_check(request: Request) -> HTMLResponse:
    data = await request.form()
    gate = str(data.get("gate") or "")
    refused = forged(request, data)
    if refused is not None:
        return _page(request, gate, result=None, status=403, fatal=refused)
    with request.app.state.service.rules.use() as rulesets:
        rules = rulesets.gates.rules
        if gate not in {g.code for g in rules.gates}:
            return _page(request, None, result=None, general=[f"关口 {gate!r} 不存在；请从列表中选择"])
        fields = gate_fields(rules, gate, rulesets.grading.rules.level_labels)
        values = form_values(data, fields)
        context = {"active": "/gates", "rules": rules, "gate": rules.gate(gate), "fields": fields, "values": values}
        context["statuses"] = STATUSES
        record = request_of(values, gate)
        try:
            result = rulesets.gates.check(record, rulesets.grading)
        except InputError as exc:
            errors, general = place_issues(exc.issues, [f.name for f in fields])
            return render(request, TEMPLATE, result=None, errors=errors, general=general, **context)
        out = result.model_dump(mode="json")
        try:
            decision_id = await log_decision(request, "/gates", record, out, result.ruleset)
        except Problem as exc:
            return fatal_page(request, TEMPLATE, exc, result=None, **context)
        owners = list(dict.fromkeys(b.owner_role_label for b in result.blocking if b.owner_role_label))
        return render(request, TEMPLATE, result=result, owners=owners, decision_id=decision_id, **context)
