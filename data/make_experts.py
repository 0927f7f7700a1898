"""Generate data/experts.csv, the sample roster of review experts (reviewers.md).

Deterministic (fixed seed), so the file only changes when this script does:

    .venv/bin/python data/make_experts.py            # writes data/experts.csv

Every role gets two nationwide generalists (all regions, all product lines,
available), so a default panel can always be filled; the other experts are
bound to one or two regions and product lines, carry one to three roles, and
about one in eight is unavailable.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROLES = (
    "sales_mgmt_signatory",
    "finance_signatory",
    "legal_signatory",
    "rnd_signatory",
    "delivery_signatory",
    "supply_chain_signatory",
    "ip_signatory",
    "procurement_signatory",
    "financing_signatory",
    "marketing_signatory",
)
REGIONS = ("华北地区部", "华东地区部", "华南地区部", "西南地区部", "西北地区部")
PRODUCT_LINES = ("机顶盒", "宽带", "前端系统", "CA系统")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "海燕",
)
COLUMNS = ("expert_id", "name", "roles", "regions", "product_lines", "available", "current_load")
SPECIALISTS = 44


def experts(seed: int = 20261123) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    names: set[str] = set()

    def name() -> str:
        while True:
            candidate = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if candidate not in names:
                names.add(candidate)
                return candidate

    def add(roles: list[str], regions: str, lines: str, available: bool, load: int) -> None:
        rows.append(
            {
                "expert_id": f"E{len(rows) + 1:03d}",
                "name": name(),
                "roles": ";".join(roles),
                "regions": regions,
                "product_lines": lines,
                "available": "true" if available else "false",
                "current_load": str(load),
            }
        )

    for role in ROLES:
        for _ in range(2):
            add([role], "*", "*", True, rng.randint(0, 8))
    for _ in range(SPECIALISTS):
        roles = rng.sample(ROLES, rng.choice((1, 1, 2, 3)))
        regions = "*" if rng.random() < 0.25 else ";".join(rng.sample(REGIONS, rng.choice((1, 2))))
        lines = "*" if rng.random() < 0.3 else ";".join(rng.sample(PRODUCT_LINES, rng.choice((1, 2))))
        add(roles, regions, lines, rng.random() >= 0.125, rng.randint(0, 8))
    return rows


def main(target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(experts())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "experts.csv")
