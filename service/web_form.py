"""The initiation web form at `/` (立项 — 项目等级评定), server-rendered, no JavaScript.

Marketing operations use it in a browser, without an API key: the form is the
product's own front end, not an API client. Its grades are still decisions, so
each one is logged (caller `web-form`) and the page shows the decision id.
Every label and choice comes from the grading rule file in service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.reports.templating import environment
from gradegate.scoring import RISK_FACTORS, GradingRules, InputError, what_if
from gradegate.service import csrf
from gradegate.service.problems import Problem

log = logging.getLogger("gradegate.service")
router = APIRouter(include_in_schema=False)
FORM_KEY = "web-form"

# The descriptive fields are the contract's, not the rule file's: their labels live here.
TEXT_FIELDS = (
    ("project_id", "项目编号", True),
    ("project_name", "项目名称", False),
    ("office", "办事处", False),
    ("region", "地区部", False),
)


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text, number, select
    required: bool = True
    choices: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    group: str | None = None


def form_fields(rules: GradingRules) -> list[FormField]:
    """The form, field by field, in the rule file's criterion order."""
    fields = [FormField(name, label, "text", required) for name, label, required in TEXT_FIELDS]
    for c in rules.criteria:
        if c.bands:
            fields.append(FormField(c.field, c.label, "number"))
        elif c.values:
            fields.append(FormField(c.field, c.label, "select", choices=[(k, v.label) for k, v in c.values.items()]))
        elif c.factors and c.factor_values:
            choices = list(c.factor_values.items())
            for factor in RISK_FACTORS:
                fields.append(FormField(f"risk_{factor}", c.factors[factor], "select", choices=choices, group=c.label))
    return fields


def _render(request: Request, rules: GradingRules, **context: Any) -> HTMLResponse:
    template = environment().get_template("form.html")
    nonce, token = csrf.token_for(request)
    defaults: dict[str, Any] = {
        "values": {},
        "errors": {},
        "result": None,
        "whatif": None,
        "decision_id": None,
        "fatal": None,
    }
    html = template.render(rules=rules, fields=form_fields(rules), csrf_token=token, **{**defaults, **context})
    response = HTMLResponse(html, status_code=422 if context.get("errors") else 200)
    csrf.set_cookie(request, response, nonce)
    return response


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
        try:
            csrf.check(request, data)
        except csrf.CsrfRefused as exc:  # nothing graded, nothing logged
            log.warning("form post refused: %s", exc)
            response = _render(request, grading.rules, fatal=str(exc))
            response.status_code = 403
            return response
        values = {k: v for k, v in data.items() if isinstance(v, str) and k != csrf.FIELD}
        record = {k: v for k, v in values.items() if v.strip() != ""}
        try:
            result = grading.grade(record)
        except InputError as exc:
            errors: dict[str, list[str]] = {}
            for issue in exc.issues:
                errors.setdefault(issue.field, []).append(issue.message)
            return _render(request, grading.rules, values=values, errors=errors)
        out = result.model_dump(mode="json")
        try:
            decision_id = await service.log.record(
                route="/", key_id=FORM_KEY, input=record, output=out, ruleset=result.ruleset
            )
        except Problem as exc:  # no trace, no grade: the page says so instead of showing one
            response = _render(request, grading.rules, values=values, fatal=exc.detail)
            response.status_code = exc.status_code
            return response
        advice = what_if(grading.rules, result)
        return _render(request, grading.rules, values=values, result=result, whatif=advice, decision_id=decision_id)
