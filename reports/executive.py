"""The executive summary a manager reads first, on one screen: how many projects and
how much money at each level, what needs attention this period (each with its
count and where to read on), and the rule set the grades come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradegate.reports.build import Report
from gradegate.reports.catalog import TITLES
from gradegate.reports.formatting import amount_cn
from gradegate.reports.templating import pct


@dataclass
class LevelLine:
    code: str
    label: str
    projects: int
    amount: str
    project_share: str
    amount_share: str


@dataclass
class Attention:
    key: str  # the data-attention attribute, and the anchor read on at
    text: str
    count: int
    anchor: str


@dataclass
class Summary:
    total_amount: str
    levels: list[LevelLine]
    attention: list[Attention] = field(default_factory=list)


def executive_summary(report: Report) -> Summary:
    levels = report.table("level_summary")
    lines = [
        LevelLine(
            str(r["level"]),
            str(r["level_label"]),
            int(r["projects"]),
            amount_cn(float(r["amount_rmb"])),
            pct(float(r["project_share"])),
            pct(float(r["amount_share"])),
        )
        for r in levels.to_dict("records")
    ]
    total = amount_cn(float(report.table("grading")["amount_rmb"].sum()))
    return Summary(total, lines, _attention(report))


def _attention(report: Report) -> list[Attention]:
    items: list[Attention] = []
    blocked = report.table("watch_blocked_company")
    if len(blocked):
        amount = amount_cn(float(blocked["amount_rmb"].sum()))
        items.append(
            Attention(
                "blocked_company",
                f"{TITLES['watch_blocked_company']}：{len(blocked)} 个，合计 {amount}，下一关口未就绪",
                len(blocked),
                "t-watch_blocked_company",
            )
        )
    near = report.table("watch_near_threshold")
    if len(near):
        items.append(
            Attention(
                "near_threshold",
                f"临界项目：{len(near)} 个总分距阈值 {report.threshold} 分不超过 3 分，小的变化即改变等级",
                len(near),
                "t-watch_near_threshold",
            )
        )
    overrides = report.table("watch_overrides")
    if len(overrides):
        items.append(
            Attention(
                "overrides", f"等级特批：{len(overrides)} 个项目的等级由管理层特批", len(overrides), "t-watch_overrides"
            )
        )
    if report.rejected:
        items.append(
            Attention(
                "rejected", f"被拒记录：{report.rejected} 行未参与评定，请修正后重新提交", report.rejected, "errors"
            )
        )
    if report.impact is not None:
        s = report.impact.summary.iloc[0]
        moved = int(s["up"]) + int(s["down"])
        items.append(
            Attention(
                "impact",
                f"规则变更（{report.impact.version_a} → {report.impact.version_b}）："
                f"{int(s['up'])} 个升为公司级，{int(s['down'])} 个降为办事处级",
                moved,
                "impact",
            )
        )
    return items
