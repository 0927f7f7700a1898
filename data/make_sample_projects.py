"""Make data/sample_projects.csv: a realistic initiation batch for the grading demo.

    python data/make_sample_projects.py                 # the committed sample (400 rows, seed 7)
    python data/make_sample_projects.py -n 1000000 -o big.csv --clean   # benchmark input

The sample is as marketing operations really send it: enum values as codes or
Chinese labels in odd case and spacing, amounts with thousands separators, a
few approved level overrides — and, unless --clean, a handful of bad rows
(unknown value, negative amount, missing field, override without approver,
duplicate id) so that the errors file of the demo shows what rejection looks like.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

REGIONS = {
    "华南地区部": ["深圳办事处", "广州办事处", "南宁办事处"],
    "华东地区部": ["上海办事处", "杭州办事处", "南京办事处", "济南办事处"],
    "华北地区部": ["北京办事处", "天津办事处", "石家庄办事处", "太原办事处"],
    "华中地区部": ["武汉办事处", "长沙办事处", "郑州办事处"],
    "西南地区部": ["成都办事处", "重庆办事处", "昆明办事处"],
    "西北地区部": ["西安办事处", "兰州办事处", "乌鲁木齐办事处"],
    "东北地区部": ["沈阳办事处", "哈尔滨办事处"],
}
CUSTOMERS = ["广电网络", "有线电视台", "电信分公司", "移动分公司", "联通分公司", "融媒体中心"]
WORKS = ["IPTV扩容", "省网双向改造", "高清互动平台", "前端系统升级", "机顶盒集采", "CA系统改造", "宽带接入网",
         "5G广播试点", "融合媒体平台", "DVB-C 前端替换", "数据中心配套", "OTT 内容分发"]  # fmt: skip
# (code, Chinese label, weight): what the field looks like in real submissions.
ENUMS = {
    "strategic_status": [("core", "战略核心", 0.1), ("important", "重要", 0.35), ("general", "一般", 0.55)],
    "network_position": [("new_entry", "首次入网", 0.15), ("minor_share", "份额较小", 0.3),
                         ("major_share", "主力供应商", 0.4), ("sole_supplier", "独家供应", 0.15)],
    "tech_maturity": [("new_technology", "全新技术", 0.1), ("major_development", "需较大开发", 0.25),
                      ("minor_customization", "少量定制", 0.4), ("mature", "成熟商用", 0.25)],
    "expedite": [("urgent", "严重赶工", 0.15), ("moderate", "工期紧", 0.35), ("none", "无", 0.5)],
}  # fmt: skip
RISK_VALUES = [("low", "低", 0.7), ("medium", "中", 0.24), ("high", "高", 0.06)]
RISK_FACTORS = ["scope", "legal", "cost", "contract_terms", "supplier"]
STAGES = ["initiation", "solution", "signing", "delivery_prep", "implementation", "closure"]
APPROVERS = ["市场销服部 王总", "VP Zhang", "MSMT 李总"]
REASONS = ["战略客户首单，提级管理", "行业发展需要", "金额小但交付复杂", "客户高层关注"]


def _spell(rng: np.random.Generator, choices: list[tuple[str, str, float]], n: int) -> np.ndarray:
    """Pick values by weight, then write each as people do: code, label, CODE, ' Code '."""
    codes = np.array([c for c, _, _ in choices])
    labels = np.array([label for _, label, _ in choices])
    weights = np.array([w for _, _, w in choices])
    idx = rng.choice(len(choices), size=n, p=weights / weights.sum())
    style = rng.choice(4, size=n, p=[0.55, 0.3, 0.1, 0.05])
    out = np.where(style == 1, labels[idx], codes[idx]).astype(object)
    out = np.where(style == 2, np.char.upper(codes[idx].astype(str)), out)
    return np.where(style == 3, np.char.add(np.char.add("  ", np.char.title(codes[idx].astype(str))), " "), out)


def _amounts(rng: np.random.Generator, values: np.ndarray, comma_share: float) -> np.ndarray:
    text = np.char.mod("%.2f", values)
    text = np.where(np.round(values) == values, np.char.mod("%d", values.astype(np.int64)), text).astype(object)
    commas = rng.random(len(values)) < comma_share
    text[commas] = [f"{v:,.0f}" for v in values[commas]]
    return text


def generate(n: int, seed: int = 7, clean: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region_names = list(REGIONS)
    region = np.array(region_names, dtype=object)[rng.integers(0, len(region_names), n)]
    office = np.array([REGIONS[r][i % len(REGIONS[r])] for r, i in zip(region, rng.integers(0, 12, n), strict=True)])
    name = np.char.add(
        np.array(CUSTOMERS)[rng.integers(0, len(CUSTOMERS), n)], np.array(WORKS)[rng.integers(0, len(WORKS), n)]
    )
    raw = np.exp(rng.normal(np.log(2e6), 1.3, n))
    amount = np.where(rng.random(n) < 0.2, np.round(raw, 2), np.round(raw, -3))
    external = np.where(rng.random(n) < 0.25, 0.0, np.round(amount * rng.uniform(0.01, 0.4, n), 2))
    frame = pd.DataFrame(
        {
            "project_id": np.char.mod("MP2026%06d", np.arange(1, n + 1)),
            "project_name": name,
            "office": office,
            "region": region,
            "stage": np.array(STAGES)[rng.choice(6, size=n, p=[0.3, 0.25, 0.15, 0.1, 0.15, 0.05])],
            "amount_rmb": _amounts(rng, amount, 0.3),
        }
    )
    for field in ("strategic_status", "network_position", "tech_maturity"):
        frame[field] = _spell(rng, ENUMS[field], n)
    for factor in RISK_FACTORS:
        frame[f"risk_{factor}"] = _spell(rng, RISK_VALUES, n)
    frame["external_service_amount_rmb"] = _amounts(rng, external, 0.2)
    frame["expedite"] = _spell(rng, ENUMS["expedite"], n)
    frame["product_line_count"] = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.45, 0.3, 0.13, 0.07, 0.03, 0.02])
    overrides = rng.random(n) < 0.02
    frame["override_level"] = np.where(overrides, rng.choice(["company", "公司级", "office"], n), None)
    frame["override_approved_by"] = np.where(overrides, np.array(APPROVERS)[rng.integers(0, 3, n)], None)
    frame["override_reason"] = np.where(overrides, np.array(REASONS)[rng.integers(0, 4, n)], None)
    if not clean and n >= 50:
        _spoil(frame)
    return frame


def _spoil(frame: pd.DataFrame) -> None:
    """The mistakes real spreadsheets carry, one each, at fixed rows."""
    frame.loc[11, "strategic_status"] = "非常重要"  # not a level of the rule file
    frame.loc[23, "amount_rmb"] = "-1,200,000"  # negative
    frame.loc[31, "network_position"] = None  # left blank
    frame.loc[37, ["override_level", "override_approved_by", "override_reason"]] = ["公司级", None, "客户要求"]
    frame.loc[42, "project_id"] = frame.loc[41, "project_id"]  # pasted twice
    frame.loc[47, "product_line_count"] = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, default=Path(__file__).with_name("sample_projects.csv"))
    parser.add_argument("--clean", action="store_true", help="no deliberately bad rows")
    args = parser.parse_args()
    generate(args.n, args.seed, args.clean).to_csv(args.output, index=False, encoding="utf-8")
    print(f"wrote {args.n:,} projects → {args.output}")


if __name__ == "__main__":
    main()
