"""The peer: the same grading as a GoRules zen-engine JDM graph, built from the rule file.

One decision table per criterion (hit policy "first": a band, an enum value or the
first risk level whose counts hold), then an expression node for the total, the
levels and the margin. The graph reads JSON records with codes and numbers (the
peer has no parser: what an integration posts after its own validation).
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from gradegate.scoring import GradingRules
from gradegate.scoring.vocabulary import RISK_VALUES


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _band_test(band: Any) -> str:
    iv = band.interval
    if band.equals is not None:
        return f"[{_number(iv.lo)}..{_number(iv.lo)}]"
    if iv.hi == math.inf:
        return f"{'>=' if iv.lo_closed else '>'} {_number(iv.lo)}"
    return f"{'[' if iv.lo_closed else '('}{_number(iv.lo)}..{_number(iv.hi)})"


def _table(i: int, code: str, inputs: list[dict[str, str]], rules: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": f"t{i}",
        "type": "decisionTableNode",
        "name": code,
        "position": {"x": 0, "y": 0},
        "content": {
            "hitPolicy": "first",
            "passThrough": True,
            "inputField": None,
            "outputPath": None,
            "executionMode": "single",
            "inputs": inputs,
            "outputs": [
                {"id": "points", "name": "points", "field": f"points.{code}"},
                {"id": "matched", "name": "matched", "field": f"matched.{code}"},
            ],
            "rules": rules,
        },
    }


def jdm_graph(rules: GradingRules) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [{"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}}]
    for i, c in enumerate(rules.criteria):
        if c.bands:
            inputs = [{"id": "x", "name": c.field, "field": c.field}]
            table = [
                {"_id": f"r{j}", "x": _band_test(b), "points": str(b.points), "matched": f"'{j}'"}
                for j, b in enumerate(c.bands)
            ]
        elif c.values:
            inputs = [{"id": "x", "name": c.field, "field": c.field}]
            table = [
                {"_id": f"r_{code}", "x": f"'{code}'", "points": str(v.points), "matched": f"'{code}'"}
                for code, v in c.values.items()
            ]
        else:
            assert c.levels is not None
            inputs = [{"id": v, "name": v, "field": f"count(values(risk), # == '{v}')"} for v in RISK_VALUES]
            table = []
            for j, level in enumerate(c.levels):
                row = {"_id": f"r{j}", "points": str(level.points), "matched": f"'{level.code}'"}
                for v in RISK_VALUES:
                    bounds = level.when.get(v) if level.when else None
                    row[v] = f"[{bounds.bounds[0]}..{bounds.bounds[1]}]" if bounds else ""
                table.append(row)
        nodes.append(_table(i, c.code, inputs, table))
    t = rules.threshold
    expressions = [
        ("total_score", "sum(values(points))"),
        ("computed_level", f"$.total_score >= {t} ? 'company' : 'office'"),
        ("level", "level_override != null ? level_override.level : $.computed_level"),
        ("margin", f"$.total_score - {t}"),
    ]
    nodes.append(
        {
            "id": "total",
            "type": "expressionNode",
            "name": "total",
            "position": {"x": 0, "y": 0},
            "content": {
                "passThrough": True,
                "inputField": None,
                "outputPath": None,
                "executionMode": "single",
                "expressions": [{"id": k, "key": k, "value": v} for k, v in expressions],
            },
        }
    )
    nodes.append({"id": "out", "type": "outputNode", "name": "response", "position": {"x": 0, "y": 0}})
    edges = [
        {"id": f"e{n}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
        for n, (a, b) in enumerate(itertools.pairwise(nodes))
    ]
    return {"nodes": nodes, "edges": edges}


def load_decision(rules: GradingRules) -> Any:
    import zen

    return zen.ZenEngine().create_decision(json.dumps(jdm_graph(rules)))


def answer(result: dict[str, Any], rules: GradingRules) -> dict[str, Any]:
    """The peer's answer: the figures a caller reads (no explanation: the peer has none to give)."""
    risk = next(c.code for c in rules.criteria if c.levels)
    return {
        "project_id": result.get("project_id"),
        "total_score": result["total_score"],
        "level": result["level"],
        "computed_level": result["computed_level"],
        "risk_level": result["matched"][risk],
        "margin": result["margin"],
        "points": result["points"],
    }
