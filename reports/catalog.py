"""What managers read: the Chinese title of every table (also its Excel sheet
name) and the Chinese header of every column. CSV files keep the English
column codes (machine output); HTML and Excel show these.
"""

from __future__ import annotations

from collections.abc import Mapping

TITLES: dict[str, str] = {
    "about": "报告信息",
    "grading": "项目等级评定表",
    "level_summary": "按等级汇总",
    "office_level": "办事处×等级",
    "region_level": "地区部×等级",
    "stage_summary": "按阶段汇总",
    "score_distribution": "得分分布",
    "watch_near_threshold": "临界项目(阈值±3分)",
    "watch_blocked_company": "受阻的公司级项目",
    "watch_overrides": "等级特批调整",
    "gate_status": "关口状态",
    "gate_by_stage": "分阶段关口状态",
    "missing_deliverables": "缺失交付件排行",
    "blocking_items": "阻塞项明细",
    "impact_rules": "规则变更内容",
    "impact_summary": "规则变更影响汇总",
    "impact_changes": "等级变化项目",
    "impact_criteria": "分项得分变化",
    "impact_projects": "逐项目得分变化",
    "errors": "被拒记录",
}

# Machine-facing code columns with a Chinese twin beside them: in the CSV files only.
CODE_COLUMNS = {
    "stage", "level", "computed_level", "risk_level", "override_level", "gate_status", "next_gate", "status",
    "owner_role", "direction", "level_a", "level_b", "ruleset_name", "ruleset_hash", "kind",
}  # fmt: skip
# Detail tables for machines (one row per blocking item): CSV only; the 关口状态 sheet lists the same items per project.
CSV_ONLY = {"blocking_items"}
# Per-project sheets are the bulk of a large workbook: columns another sheet already shows stay in the CSV.
WORKBOOK_DROP = {"gate_status": ["region", "satisfied", "applicable_items"]}

HEADERS: dict[str, str] = {
    "item": "项目",
    "value": "值",
    "row": "行号",
    "line": "表格行",
    "project_id": "项目编号",
    "project_name": "项目名称",
    "office": "办事处",
    "region": "地区部",
    "stage": "阶段代码",
    "stage_label": "阶段",
    "amount_rmb": "项目金额(元)",
    "total_score": "总分",
    "margin": "距阈值",
    "risk_level": "风险等级代码",
    "risk_level_label": "风险等级",
    "computed_level": "计算等级代码",
    "computed_level_label": "计算等级",
    "level": "等级代码",
    "level_label": "最终等级",
    "override_level": "特批等级",
    "override_approved_by": "批准人",
    "override_reason": "特批理由",
    "product_lines": "产品线",
    "ruleset_name": "规则集",
    "ruleset_version": "规则集版本",
    "ruleset_hash": "规则集哈希",
    "projects": "项目数",
    "project_share": "项目数占比",
    "amount_share": "金额占比",
    "projects_total": "项目数合计",
    "amount_total": "金额合计(元)",
    "company_projects": "公司级项目数",
    "band": "分数段",
    "score_from": "分数下限",
    "score_to": "分数上限",
    "next_gate": "下一关口代码",
    "next_gate_label": "下一关口",
    "gate": "关口",
    "gate_status": "状态代码",
    "gate_status_label": "关口状态",
    "readiness": "就绪度",
    "satisfied": "已满足条件",
    "applicable_items": "适用条件",
    "blocking_count": "阻塞项数",
    "blocking": "阻塞项",
    "owners": "责任人角色",
    "decision_authority_label": "决策机构",
    "ready": "就绪",
    "blocked": "受阻",
    "done": "关口已全部通过",
    "blocked_share": "受阻占比",
    "top_missing": "最常缺失的交付件",
    "kind": "类型",
    "code": "代码",
    "label": "名称",
    "reason": "原因",
    "status": "当前状态代码",
    "status_label": "当前状态",
    "required_status": "要求状态",
    "owner_role": "责任角色代码",
    "owner_role_label": "责任角色",
    "field": "字段",
    "message": "说明",
    "change": "变更项",
    "before": "变更前(A)",
    "after": "变更后(B)",
    "version_a": "现行版本(A)",
    "version_b": "候选版本(B)",
    "compared": "比较项目数",
    "up": "升为公司级",
    "down": "降为办事处级",
    "unchanged": "等级不变",
    "mean_delta": "平均分变化",
    "graded_under_one_only": "仅在一版中评定",
    "total_a": "总分(A)",
    "total_b": "总分(B)",
    "delta": "总分变化",
    "level_a": "等级代码(A)",
    "level_b": "等级代码(B)",
    "level_a_label": "等级(A)",
    "level_b_label": "等级(B)",
    "direction": "变化方向代码",
    "direction_label": "变化方向",
    "criterion": "评分项代码",
    "mean_a": "平均分(A)",
    "mean_b": "平均分(B)",
    "projects_changed": "得分变化的项目数",
    "min_delta": "最小变化",
    "max_delta": "最大变化",
}


def header(column: str, criteria: Mapping[str, str], levels: Mapping[str, str]) -> str:
    """The Chinese header of a column; per-criterion and per-level columns are named after their labels."""
    if column in HEADERS:
        return HEADERS[column]
    for prefix, names, pattern in (
        ("points_", criteria, "{}得分"),
        ("delta_", criteria, "{}变化"),
        ("projects_", levels, "{}项目数"),
        ("amount_", levels, "{}金额(元)"),
        ("computed_", levels, "{}(按得分)"),
    ):
        if column.startswith(prefix) and column.removeprefix(prefix) in names:
            return pattern.format(names[column.removeprefix(prefix)])
    return column
