"""The reviewer-selection page at `/reviewers` (评审专家选择), for contract engineers.

Kind, amount and clauses in; the roles that must review, why each is required,
the experts picked from the configured roster, whether a review meeting is
needed and who decides. Labels and choices come from the reviewer rule file in
service; each selection is logged (route `/reviewers`, caller `web-form`).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradegate.reports.formatting import limits_words
from gradegate.scoring import InputError, ReviewerRules
from gradegate.service.pages import FormField, fatal_page, forged, form_values, log_decision, place_issues, render
from gradegate.service.problems import Problem
from gradegate.service.routes_decide import roster_for

router = APIRouter(include_in_schema=False)
TEMPLATE = "reviewers.html"
# The yes/no facts of reviewers.md: the contract's, not the rule file's.
FLAGS = (
    ("disagreement", "预审后评审人仍有分歧（需召开评审会议）"),
    ("unresolved_disagreement", "评审会议后仍有分歧"),
    ("high_risk", "合同存在风险"),
)
RULE_LABELS = {"base": "基本角色", "clause": "条款", "contract_type": "合同类型", "amount": "金额"}


def _adds(rules: ReviewerRules, roles: list[str]) -> str:
    return f" → {'、'.join(rules.roles.get(r, r) for r in roles)}" if roles else ""


def reviewer_fields(rules: ReviewerRules) -> list[FormField]:
    amount_hint = "单位：元（人民币）" + "".join(
        f" · {limits_words(a.from_, True, math.inf, amount=True)}为{a.label}{_adds(rules, a.adds)}"
        for a in rules.amount_rules
    )
    default_type = rules.contract_types[rules.default_contract_type].label
    return [
        FormField("kind", "评审对象", "select", choices=[(k, v.label) for k, v in rules.kinds.items()]),
        FormField("id", "订单/合同编号", "text"),
        FormField("contract_id", "所属合同编号", "text", False, hint="订单必填：订单所属的已评审合同"),
        FormField(
            "contract_type",
            "合同类型",
            "select",
            False,
            [(k, f"{v.label}{_adds(rules, v.adds)}") for k, v in rules.contract_types.items()],
            hint=f"合同适用；留空为 {default_type}",
        ),
        FormField("amount_rmb", "金额", "number", hint=amount_hint),
        FormField(
            "clauses",
            "包含的条款",
            "checks",
            True,
            [(k, f"{v.label}{_adds(rules, v.adds)}") for k, v in rules.clauses.items()],
            hint="至少选择一项；箭头后为该条款需要的权签人",
        ),
        FormField("submitter", "提交人工号", "text", hint="提交人不会被选为自己的评审人"),
        FormField("region", "地区部", "text", False),
        FormField("product_lines", "产品线", "text", False, hint="多个产品线用 ; 分隔"),
        *(FormField(name, label, "checkbox", False, group="评审情况") for name, label in FLAGS),
    ]


def request_of(values: dict[str, Any]) -> dict[str, Any]:
    """The page's answers as a reviewer-selection request (the API's shape): blanks left out."""
    record: dict[str, Any] = {}
    for name, value in values.items():
        if name == "product_lines":
            lines = [p.strip() for p in value.replace("；", ";").split(";") if p.strip()]
            if lines:
                record[name] = lines
        elif isinstance(value, bool | list) or value.strip():
            record[name] = value
    return record


def _context(rules: ReviewerRules) -> dict[str, Any]:
    return {"active": "/reviewers", "rules": rules, "fields": reviewer_fields(rules), "rule_labels": RULE_LABELS}


@router.get("/reviewers", response_class=HTMLResponse)
def reviewers_page(request: Request) -> HTMLResponse:
    with request.app.state.service.rules.use() as rulesets:
        return render(request, TEMPLATE, result=None, **_context(rulesets.reviewers.rules))


@router.post("/reviewers", response_class=HTMLResponse)
async def reviewers_select(request: Request) -> HTMLResponse:
    data = await request.form()
    service = request.app.state.service
    with service.rules.use() as rulesets:
        reviewers = rulesets.reviewers
        context = _context(reviewers.rules)
        refused = forged(request, data)
        if refused is not None:
            return render(request, TEMPLATE, status=403, result=None, fatal=refused, **context)
        values = form_values(data, context["fields"])
        context["values"] = values
        record = request_of(values)
        try:
            roster = roster_for(service, reviewers, None)
            result = reviewers.select(record, roster)
        except InputError as exc:
            errors, general = place_issues(exc.issues, [f.name for f in context["fields"]])
            return render(request, TEMPLATE, result=None, errors=errors, general=general, **context)
        except Problem as exc:  # the roster file cannot be read: the operator's problem, said plainly
            return fatal_page(request, TEMPLATE, exc, result=None, **context)
        out = result.model_dump(mode="json")
        try:
            decision_id = await log_decision(request, "/reviewers", record, out, result.ruleset)
        except Problem as exc:
            return fatal_page(request, TEMPLATE, exc, result=None, **context)
        return render(request, TEMPLATE, result=result, decision_id=decision_id, **context)
