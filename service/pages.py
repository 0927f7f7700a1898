"""What every page of the service shares: a field as the page shows it, rendering,
messages placed beside their fields, and logging a page's decision.

The pages (grading form, gate readiness, reviewer selection, decision history) are
server-rendered with no JavaScript and no inline style; their labels and choices
come from the rule files in service.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from gradegate.reports.templating import environment
from gradegate.scoring import FieldIssue, RulesetRef
from gradegate.service import csrf
from gradegate.service.problems import Problem

log = logging.getLogger("gradegate.service")

PAGE_KEY = "web-form"  # the caller a page's decisions are logged under (no API key in a browser)
NAV = (
    ("/", "项目等级评定"),
    ("/gates", "关口就绪检查"),
    ("/reviewers", "评审专家选择"),
    ("/history", "决策历史"),
)


@dataclass
class FormField:
    name: str  # the request field (dotted for nested objects: deliverables.cmt)
    label: str
    kind: str  # text, number, select, checks (several boxes, one name), checkbox (one yes/no)
    required: bool = True
    choices: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    group: str | None = None
    hint: str | None = None  # units, bands in words, who acts: shown under the label

    @property
    def id(self) -> str:
        return self.name.replace(".", "-")


def form_values(data: FormData, fields: Iterable[FormField]) -> dict[str, Any]:
    """What was submitted, per field: a string, a list for `checks`, a bool for `checkbox`."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "checks":
            values[f.name] = [v for v in data.getlist(f.name) if isinstance(v, str)]
        elif f.kind == "checkbox":
            values[f.name] = data.get(f.name) == "true"
        else:
            value = data.get(f.name)
            values[f.name] = value if isinstance(value, str) else ""
    return values


def place_issues(issues: Iterable[FieldIssue], names: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Each message beside the field it names (`passed_gates.1` → passed_gates); the rest for the summary."""
    known = sorted(names, key=len, reverse=True)
    beside: dict[str, list[str]] = {}
    general: list[str] = []
    for issue in issues:
        target = next((n for n in known if issue.field == n or issue.field.startswith(n + ".")), None)
        if target is None:
            general.append(issue.message)
        else:
            beside.setdefault(target, []).append(issue.message)
    return beside, general


def render(request: Request, name: str, *, status: int | None = None, **context: Any) -> HTMLResponse:
    """A page, with the CSRF token its forms post back (and the cookie it is bound to)."""
    nonce, token = csrf.token_for(request)
    defaults: dict[str, Any] = {"values": {}, "errors": {}, "general": [], "fatal": None, "decision_id": None}
    merged = {**defaults, **context}
    html = environment().get_template(name).render(nav=NAV, csrf_token=token, **merged)
    code = status if status is not None else (422 if merged["errors"] or merged["general"] else 200)
    response = HTMLResponse(html, status_code=code)
    csrf.set_cookie(request, response, nonce)
    return response


def forged(request: Request, data: FormData) -> str | None:
    """Why a form post may not be acted on (another site, no or a bad token), or None when it is genuine."""
    try:
        csrf.check(request, data)
    except csrf.CsrfRefused as exc:  # nothing decided, nothing logged
        log.warning("form post refused on %s: %s", request.url.path, exc)
        return str(exc)
    return None


async def log_decision(request: Request, route: str, record: Any, out: Mapping[str, Any], ruleset: RulesetRef) -> str:
    """Log a page's decision like any other (caller `web-form`); a Problem when it cannot be logged."""
    log = request.app.state.service.log
    decision_id: str = await log.record(route=route, key_id=PAGE_KEY, input=record, output=out, ruleset=ruleset)
    return decision_id


def fatal_page(request: Request, name: str, exc: Problem, **context: Any) -> HTMLResponse:
    """No trace, no decision: the page says so instead of showing one."""
    return render(request, name, status=exc.status_code, fatal=exc.detail, **context)
