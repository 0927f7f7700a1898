"""Make a sample portfolio for `gradegate report`: projects across every stage,
with gate flags, passed gates, deliverable statuses, a few overrides, a few
hostile project names and a few deliberately bad rows (so the errors file has
something to show).

    python data/make_portfolio.py                       # → data/sample_portfolio.csv (1,000 projects)
    python data/make_portfolio.py -n 100000 -o big.csv  # the benchmark's portfolio

Deterministic for a given seed. The gate and deliverable codes are those of the
default rule sets (rules/gates.yaml, gates.md): this is sample data for them.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import numpy as np

OFFICES = [
    ("深圳办事处", "华南地区部"),
    ("广州办事处", "华南地区部"),
    ("南宁办事处", "华南地区部"),
    ("杭州办事处", "华东地区部"),
    ("南京办事处", "华东地区部"),
    ("上海办事处", "华东地区部"),
    ("北京办事处", "华北地区部"),
    ("天津办事处", "华北地区部"),
    ("西安办事处", "西北地区部"),
    ("兰州办事处", "西北地区部"),
    ("成都办事处", "西南地区部"),
    ("重庆办事处", "西南地区部"),
]
NAMES = ["省网双向改造", "IPTV扩容", "5G承载网", "政企专线", "数据中心互联", "城域网升级", "光纤到户", "智慧园区"]
HOSTILE_NAMES = ['<script>alert("x")</script>', "A&B 联合 \"双引号\" 'single'", "<b>前端&amp;升级</b>"]
STAGES = ["initiation", "solution", "signing", "delivery_prep", "implementation", "closure"]
STAGE_CUMULATIVE = np.cumsum([0.15, 0.25, 0.2, 0.15, 0.15])  # the rest: closure
# (gate, stage, deliverables, flag the gate or deliverable depends on) in lifecycle order.
GATES: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    ("SDP1", "initiation", [("planning_report", None), ("initiation_form", None), ("grading_form", None)]),
    (
        "R1",
        "solution",
        [("feasibility_report", None), ("overall_solution", None), ("bid_plan", "bid"), ("risk_register", None)],
    ),
    (
        "R2",
        "solution",
        [
            ("bid_document", None),
            ("quotation", None),
            ("business_application", None),
            ("special_price_application", "special_price"),
        ],
    ),
    ("SDP2", "solution", []),
    ("R3", "signing", [("customer_contract", None), ("cmt", None)]),
    ("SDP3", "signing", []),
    (
        "R4",
        "delivery_prep",
        [
            ("project_charter", None),
            ("milestone_plan", None),
            ("delivery_plan", None),
            ("handover_minutes", None),
            ("survey_report", "survey_required"),
            ("engineering_design", "survey_required"),
            ("development_charter", "customization"),
        ],
    ),
    ("ACCEPTANCE", "implementation", [("acceptance_report", None), ("handover_report", None)]),
    (
        "CLOSURE",
        "closure",
        [("summary_report", None), ("closure_checklist", None), ("final_accounts", None), ("final_payment", None)],
    ),
]
DELIVERABLES = list(dict.fromkeys(d for _, _, items in GATES for d, _ in items))
FLAGS = ["bid", "special_price", "customization", "survey_required", "unresolved_disagreement", "high_risk"]
STATUS_SPELLINGS = {
    "approved": ["approved", "已批准"],
    "submitted": ["submitted", "已提交"],
    "draft": ["draft", "草稿"],
}
# Spellings weighted by repetition: mostly small, mature, low-risk projects, as in a real portfolio.
ENUMS = {
    "strategic_status": ["general", "general", "一般", "important", "重要", "core", "战略核心"],
    "network_position": [
        "major_share",
        "主力供应商",
        "sole_supplier",
        "独家供应",
        "minor_share",
        "new_entry",
        "首次入网",
    ],
    "tech_maturity": [
        "mature",
        "成熟商用",
        "mature",
        "minor_customization",
        "少量定制",
        "major_development",
        "new_technology",
    ],
    "expedite": ["none", "无", "none", "moderate", "工期紧", "urgent"],
}
RISK = ["low", "low", "低", "low", "medium", "中", "high"]
PRODUCT_LINES = ["传输", "接入", "数通", "无线", "核心网", "视频", "能源"]

COLUMNS = (
    ["project_id", "project_name", "office", "region", "stage", "amount_rmb"]
    + list(ENUMS)[:3]
    + [f"risk_{f}" for f in ("scope", "legal", "cost", "contract_terms", "supplier")]
    + ["external_service_amount_rmb", "expedite", "product_line_count", "product_lines"]
    + ["override_level", "override_approved_by", "override_reason"]
    + [f"flag_{f}" for f in FLAGS]
    + ["passed_gates"]
    + [f"deliv_{d}" for d in DELIVERABLES]
)
# Rows broken on purpose (row index → column → value), so the demo's errors file shows something.
BAD_ROWS = {
    7: {"amount_rmb": "一千万"},
    42: {"strategic_status": "very important"},
    99: {"deliv_cmt": "done"},
    123: {"flag_bid": "maybe"},
    256: {"passed_gates": "SDP1;SDP9"},
    512: {"product_line_count": "0"},
    777: {"override_level": "company", "override_approved_by": "", "override_reason": ""},
}


def pick(rng: np.random.Generator, options: list) -> Any:
    # rng.choice converts the list to an array on every call: ten times slower on 100k projects.
    return options[int(rng.integers(len(options)))]


def project(i: int, rng: np.random.Generator) -> dict[str, str]:
    office, region = OFFICES[rng.integers(len(OFFICES))]
    stage = STAGES[int(np.searchsorted(STAGE_CUMULATIVE, rng.random(), side="right"))]
    name = HOSTILE_NAMES[i % len(HOSTILE_NAMES)] if i % 97 == 5 else f"{office[:2]}{NAMES[rng.integers(len(NAMES))]}"
    lines = [PRODUCT_LINES[k] for k in rng.permutation(len(PRODUCT_LINES))[: pick(rng, [1, 1, 1, 2, 2, 3, 4, 5])]]
    row = {
        "project_id": f"P{i:06d}",
        "project_name": name,
        "office": office,
        "region": region,
        "stage": stage,
        "amount_rmb": f"{float(np.exp(rng.normal(14.6, 1.5))):,.0f}"
        if i % 5 == 0
        else f"{np.exp(rng.normal(14.6, 1.5)):.2f}",
        **{k: pick(rng, v) for k, v in ENUMS.items()},
        **{f"risk_{f}": pick(rng, RISK) for f in ("scope", "legal", "cost", "contract_terms", "supplier")},
        "external_service_amount_rmb": "0" if rng.random() < 0.2 else f"{np.exp(rng.normal(13.5, 1.5)):.0f}",
        "product_line_count": str(len(lines)),
        "product_lines": ";".join(lines),
        "override_level": "",
        "override_approved_by": "",
        "override_reason": "",
    }
    if rng.random() < 0.02:
        row.update(
            override_level=pick(rng, ["company", "公司级", "office"]),
            override_approved_by=pick(rng, ["张伟 (市场销服管理团队)", "李娜 (办事处主任)"]),
            override_reason=pick(rng, ["战略客户首单", "集团框架协议下的子项目", "金额以外风险可控"]),
        )
    flags = {f: bool(rng.random() < p) for f, p in zip(FLAGS, [0.6, 0.2, 0.25, 0.3, 0.05, 0.1], strict=True)}
    for f, on in flags.items():
        row[f"flag_{f}"] = pick(rng, ["true", "1", "是"] if on else ["false", "0", "否", ""])
    row.update(gate_progress(stage, flags, rng))
    return row


def gate_progress(stage: str, flags: dict[str, bool], rng: np.random.Generator) -> dict[str, str]:
    """Gates of earlier stages passed (deliverables approved), some of this stage's; the next one under way."""
    out = {f"deliv_{d}": "" for d in DELIVERABLES}
    stage_gates = [g for g, s, _ in GATES if s == stage]
    # gates of this stage already passed; a closure-stage project may have passed them all
    here = int(rng.integers(len(stage_gates) + (stage == "closure")))
    cut = next(k for k, (_, s, _) in enumerate(GATES) if s == stage) + min(here, len(stage_gates))
    passed = [g for g, _, _ in GATES[:cut] if g != "R2" or flags["bid"]]
    for _, _, items in GATES[:cut]:
        for d, _ in items:
            out[f"deliv_{d}"] = "approved"
    if cut < len(GATES):
        for d, _ in GATES[cut][2]:
            status = pick(rng, ["approved"] * 11 + ["submitted"] * 4 + ["draft"] * 2 + ["missing"] * 3)
            out[f"deliv_{d}"] = "" if status == "missing" else pick(rng, STATUS_SPELLINGS[status])
    out["passed_gates"] = ";".join(passed)
    return out


def write_portfolio(path: Path, n: int, seed: int = 20261123) -> None:
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for i in range(n):
            row = project(i, rng)
            row.update(BAD_ROWS.get(i, {}))
            writer.writerow(row)
        if n > 300:  # a duplicate id: the second row is rejected, naming the first
            writer.writerow({**project(n, rng), "project_id": "P000300"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="number of projects (default 1000)")
    parser.add_argument("-o", type=Path, default=Path(__file__).with_name("sample_portfolio.csv"))
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    write_portfolio(args.o, args.n, args.seed)
    print(f"{args.o}: {args.n} projects")


if __name__ == "__main__":
    main()
