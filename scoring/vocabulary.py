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

# The Chinese name of every input field a person may see or type as a column header (people.md).
# The grading labels match the criteria labels of the default rule file; headers map through these.
GRADING_HEADERS: dict[str, str] = {
    "project_id": "项目编号",
    "project_name": "项目名称",
    "office": "办事处",
    "region": "地区部",
    "stage": "阶段",
    "amount_rmb": "项目金额",
    "strategic_status": "战略地位",
    "network_position": "网上地位",
    "tech_maturity": "技术成熟度",
    "risk_scope": "范围风险",
    "risk_legal": "法律风险",
    "risk_cost": "成本风险",
    "risk_contract_terms": "合同条款风险",
    "risk_supplier": "供应商风险",
    "external_service_amount_rmb": "外配套服务金额",
    "expedite": "赶工需求",
    "product_line_count": "涉及产品线数量",
    "override_level": "特批等级",
    "override_approved_by": "特批人",
    "override_reason": "特批理由",
}
# Amount columns: a header may carry a unit (`项目金额(万元)`) that scales the column.
AMOUNT_FIELDS = ("amount_rmb", "external_service_amount_rmb")

# The columns of the review-experts roster (reviewers.md), as its messages name them; the codes stay
# the column headers. Kept apart from FIELD_LABELS: `name`, `roles` mean other things elsewhere.
ROSTER_LABELS: dict[str, str] = {
    "expert_id": "专家编号",
    "name": "姓名",
    "roles": "权签角色",
    "regions": "地区部",
    "product_lines": "产品线",
    "available": "是否可用",
    "current_load": "当前负载",
}

FIELD_LABELS: dict[str, str] = {
    **GRADING_HEADERS,
    "risk": "总的风险",
    "level_override": "特批",
    # gates and reviewers requests (gates.md, reviewers.md)
    "gate": "关口",
    "level": "项目等级",
    "flags": "标志",
    "passed_gates": "已通过关口",
    "deliverables": "交付件",
    "grading": "评级输入",
    "kind": "评审类型",
    "id": "编号",
    "contract_id": "合同编号",
    "contract_type": "合同类型",
    "clauses": "条款",
    "submitter": "提交人",
    "product_lines": "产品线",
}
