"""POST /v1/reports: a portfolio file in, the report (HTML or Excel) out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from gradegate.service.auth import ReaderDep
from gradegate.service.deps import RulesDep, refuse_unknown_query
from gradegate.service.openapi import PROBLEM_RESPONSES
from gradegate.service.problems import Problem
from gradegate.service.schemas_admin import REPORT_RESPONSES
from gradegate.service.web_security import REPORT_CSP

router = APIRouter(tags=["reports"], responses=PROBLEM_RESPONSES)


@router.post(
    "/v1/reports",
    summary="Portfolio report from an uploaded CSV/Excel portfolio",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
async def report(
    request: Request,
    file: Annotated[UploadFile, File(description="the portfolio: CSV or .xlsx with the columns of grading.md")],
    caller: ReaderDep,
    rules: RulesDep,
    format: Annotated[Literal["html", "xlsx"], Query(description="html or xlsx")] = "html",
) -> Response:
    refuse_unknown_query(request)  # `?fromat=xlsx` ignored would answer HTML
    try:
        from gradegate.reports.api import render_report
    except ImportError:
        raise Problem(
            503, "reports-unavailable", "Reports unavailable", "the reports module is not installed"
        ) from None
    content = await file.read()
    body, media_type = await run_in_threadpool(render_report, content, file.filename or "portfolio.csv", format, rules)
    headers = {"Content-Security-Policy": REPORT_CSP}
    if format == "xlsx":
        headers["Content-Disposition"] = 'attachment; filename="portfolio-report.xlsx"'
    return Response(body, media_type=media_type, headers=headers)
