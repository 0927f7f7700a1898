"""The initiation web form at `/` (立项 — 项目等级评定), server-rendered, no JavaScript.

Marketing operations use it in a browser, without an API key: the form is the
product's own front end, not an API client. Its grades are still decisions, so
each one is logged (caller `web-form`) and the page shows the decision id.
Every label and choice comes from the grading rule file in service; amounts
show their unit and each criterion its bands in words (`500万–2000万 15 分`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.reports.formatting import limits_words
from gradegate.scoring import RISK_FACTORS, GradingRules, InputError, what_if
from gradegate.service.pages import FormField, fatal_page, forged, form_values, log_decision, place_issues, render
from gradegate.service.problems import Problem

router = APIRouter(include_in_schema=False)

# The descriptive fields are the contract's, not the rule file's: their labels live here.
TEXT_FIELDS = (
    ("project_id", "项目编号", True),
    ("project_name", "项目名称", False),
    ("office", "办事处", False),
    ("region", "地区部", False),
)
AMOUNT_FIELDS = ("amount_rmb", "external_service_amount_rmb")
OVERRIDE_GROUP = "特批（管理层决定的等级，可选）"


def band_hint(criterion: Any) -> str:
    """A numeric criterion's unit and bands in words: `单位：元（人民币）· 分档：0–100万：5 分；…`."""
    amount = criterion.field in AMOUNT_FIELDS
    bands = []
    for band in criterion.bands:
        iv = band.interval
        bands.append(f"{limits_words(iv.lo, iv.lo_closed, iv.hi, amount=amount)}：{band.points} 分")
    unit = "单位：元（人民币）· " if amount else ""
    return f"{unit}分档：{'；'.join(bands)}"


def form_fields(rules: GradingRules) -> list[FormField]:
    """The form, field by field, in the rule file's criterion order, then the override (特批)."""
    fields = [FormField(name, label, "text", required) for name, label, required in TEXT_FIELDS]
    for c in rules.criteria:
        if c.bands:
            fields.append(FormField(c.field, c.label, "number", hint=band_hint(c)))
        elif c.values:
            fields.append(FormField(c.field, c.label, "select", choices=[(k, v.label) for k, v in c.values.items()]))
        elif c.factors and c.factor_values:
            choices = list(c.factor_values.items())
            for factor in RISK_FACTORS:
                fields.append(FormField(f"risk_{factor}", c.factors[factor], "select", choices=choices, group=c.label))
    levels = list(rules.level_labels.items())
    fields += [
        FormField("override_level", "特批等级", "select", False, levels, OVERRIDE_GROUP, "留空则按得分评定"),
        FormField("override_approved_by", "特批人", "text", False, group=OVERRIDE_GROUP),
        FormField("override_reason", "特批理由", "text", False, group=OVERRIDE_GROUP),
    ]
    return fields


def _render(request: Request, rules: GradingRules, **context: Any) -> HTMLResponse:
    context.setdefault("result", None)
    context.setdefault("whatif", None)
    return render(request, "form.html", rules=rules, fields=form_fields(rules), **context)


@router.get("/", response_class=HTMLResponse)
def form(request: Request) -> HTMLResponse:
    with request.app.state.service.rules.use() as rulesets:
        return _render(request, rulesets.grading.rules)


@router.post("/", response_class=HTMLResponse)
async def submit(request: Request) -> HTMLResponse:
    data = await request.form()
    service = request.app.state.service
    with service.rules.use() as rulesets:
        grading = rulesets.grading
        refused = forged(request, data)
        if refused is not None:
            return _render(request, grading.rules, status=403, fatal=refused)
        fields = form_fields(grading.rules)
        values = form_values(data, fields)
        record = {k: v for k, v in values.items() if v.strip() != ""}
        try:
            result = grading.grade(record)
        except InputError as exc:
            errors, general = place_issues(exc.issues, [f.name for f in fields])
            return _render(request, grading.rules, values=values, errors=errors, general=general)
        out = result.model_dump(mode="json")
        try:
            decision_id = await log_decision(request, "/", record, out, result.ruleset)
        except Problem as exc:
            return fatal_page(
                request, "form.html", exc, rules=grading.rules, fields=fields, values=values, result=None, whatif=None
            )
        advice = what_if(grading.rules, result)
        return _render(request, grading.rules, values=values, result=result, whatif=advice, decision_id=decision_id)
