"""The grading input fields a rule file may score, and what each accepts.

The field names and enum codes are the public data contract (grading.md):
analysts set points, bands, labels and the threshold in the rule file, but a
new field or enum code is a change of contract, made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["number", "integer", "enum", "risk"]


@dataclass(frozen=True)
class InputField:
    name: str
    kind: FieldKind
    label: str
    minimum: float | None = None  # numbers and integers: the smallest value accepted (inclusive)
    codes: tuple[str, ...] = ()  # enums: every code the contract knows
    maximum: float | None = None  # numbers and integers: the largest value accepted (inclusive); None = MAX_AMOUNT


NUMBER_FIELDS = ("amount_rmb", "external_service_amount_rmb")

GRADING_FIELDS: dict[str, InputField] = {
    f.name: f
    for f in (
        InputField("amount_rmb", "number", "项目金额", minimum=0),
        InputField("strategic_status", "enum", "战略地位", codes=("core", "important", "general")),
        InputField(
            "network_position",
            "enum",
            "网上地位",
            codes=("new_entry", "minor_share", "major_share", "sole_supplier"),
        ),
        InputField(
            "tech_maturity",
            "enum",
            "技术成熟度",
            codes=("new_technology", "major_development", "minor_customization", "mature"),
        ),
        InputField("risk", "risk", "总的风险"),
        InputField("external_service_amount_rmb", "number", "外配套服务金额", minimum=0),
        InputField("expedite", "enum", "赶工需求", codes=("urgent", "moderate", "none")),
        InputField("product_line_count", "integer", "涉及产品线数量", minimum=1),
    )
}

RISK_FACTORS = ("scope", "legal", "cost", "contract_terms", "supplier")
RISK_VALUES = ("low", "medium", "high")
LEVELS = ("company", "office")
# Amounts beyond this are refused: no project is that large, and the rule engine
# cannot compare numbers from about 1e16 on.
MAX_AMOUNT = 1e15

# Text limits, one place for every parser: ids (project, order, contract, expert),
# names (office, region, expert, product line), free text (an override's reason).
ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500

# Lifecycle stages (gates.md); the gates rule file places each gate in one of them.
STAGES: dict[str, str] = {
    "initiation": "立项",
    "solution": "方案引导",
    "signing": "签约",
    "delivery_prep": "交付准备",
    "implementation": "工程实施",
    "closure": "合同关闭",
}
