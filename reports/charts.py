"""Charts for the HTML report as geometry: the templates draw them as inline SVG
(no JavaScript, no network), so the report opens from a file and prints as is.

Two shapes cover the four pictures: stacked horizontal bars (level split,
amount by office and level, gate status by stage) and a histogram with a
threshold line (score distribution).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from gradegate.reports.formatting import amount_cn
from gradegate.reports.summaries import BIN_WIDTH

if TYPE_CHECKING:  # reports.build imports nothing from here; the annotation only
    from gradegate.reports.build import Report

COLORS = {"company": "#c0392b", "office": "#2e86c1", "ready": "#27ae60", "blocked": "#e67e22", "done": "#95a5a6"}
LABEL_W, BAR_H, GAP, PLOT_W, RIGHT = 130.0, 22.0, 8.0, 520.0, 110.0


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    color: str
    title: str  # shown on hover, read by screen readers


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass
class Chart:
    key: str
    title: str
    width: float
    height: float
    legend: list[tuple[str, str]]  # (color, label)
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # threshold line(s)


def stacked_bars(
    key: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],  # (color, legend label, one value per bar)
    fmt: Callable[[float], str],
) -> Chart:
    totals = [sum(float(s[2][i]) for s in series) for i in range(len(labels))]
    scale = PLOT_W / max(max(totals, default=0.0), 1e-9)
    chart = Chart(
        key, title, LABEL_W + PLOT_W + RIGHT, GAP + len(labels) * (BAR_H + GAP), [(c, n) for c, n, _ in series]
    )
    for i, label in enumerate(labels):
        y, x = GAP + i * (BAR_H + GAP), float(LABEL_W)
        chart.texts.append(Text(LABEL_W - 6, y + BAR_H * 0.7, str(label), "end"))
        for color, name, values in series:
            width = float(values[i]) * scale
            if width > 0:
                chart.rects.append(Rect(x, y, width, BAR_H, color, f"{label} · {name}: {fmt(float(values[i]))}"))
            x += width
        chart.texts.append(Text(x + 6, y + BAR_H * 0.7, fmt(totals[i])))
    return chart


def histogram(
    key: str, title: str, distribution: pd.DataFrame, threshold: int, band_width: int, labels: dict[str, str]
) -> Chart:
    """Projects per score band, coloured by computed level, with the threshold drawn where it falls."""
    n, left, plot_h, top_pad = len(distribution), 40.0, 200.0, 20.0
    col_w = (LABEL_W + PLOT_W) / max(n, 1)
    top = max(int(distribution["projects"].max()) if n else 0, 1)
    legend = [(COLORS[lv], f"{labels[lv]}(按得分)") for lv in ("company", "office")]
    chart = Chart(key, title, left + n * col_w + 20, top_pad + plot_h + 30, legend)
    base = top_pad + plot_h
    for i, r in enumerate(distribution.itertuples()):
        x, y = left + i * col_w, base
        for level in ("office", "company"):
            count = int(getattr(r, f"computed_{level}", 0))
            h = count / top * plot_h
            if h > 0:
                y -= h
                chart.rects.append(
                    Rect(x + 1, y, col_w - 2, h, COLORS[level], f"{r.band}分 · {labels[level]}: {count} 个项目")
                )
        if r.projects:
            chart.texts.append(Text(x + col_w / 2, y - 3, str(r.projects), "middle"))
        if i % 2 == 0:
            chart.texts.append(Text(x, base + 16, str(r.score_from), "middle"))
    tx = left + threshold / band_width * col_w
    chart.lines.append((tx, top_pad - 10, tx, base))
    chart.texts.append(Text(tx + 4, top_pad - 2, f"阈值 {threshold}"))
    return chart


def report_charts(report: Report) -> list[Chart]:
    labels = report.grading.rules.level_labels
    levels = report.table("level_summary")
    office = report.table("office_level")
    gates = report.table("gate_by_stage")
    return [
        stacked_bars(
            "level_split",
            "项目等级分布(项目数)",
            list(levels["level_label"]),
            [(COLORS.get(lv, "#888"), labels[lv], _only(levels["level"], levels["projects"], lv)) for lv in labels],
            lambda v: f"{v:,.0f} 个",
        ),
        histogram(
            "score_distribution",
            "得分分布与阈值",
            report.table("score_distribution"),
            report.threshold,
            BIN_WIDTH,
            labels,
        ),
        stacked_bars(
            "amount_by_office",
            "各办事处金额(按等级)",
            list(office["office"]),
            [(COLORS.get(lv, "#888"), labels[lv], list(office[f"amount_{lv}"])) for lv in labels],
            amount_cn,
        ),
        stacked_bars(
            "gates_by_stage",
            "各阶段下一关口状态(项目数)",
            list(gates["stage_label"]),
            [
                (COLORS["blocked"], "受阻", list(gates["blocked"])),
                (COLORS["ready"], "就绪", list(gates["ready"])),
                (COLORS["done"], "关口已全部通过", list(gates["done"])),
            ],
            lambda v: f"{v:,.0f} 个",
        ),
    ]


def _only(keys: pd.Series, values: pd.Series, key: str) -> list[float]:
    """One bar per level, each in its own colour: the value where the key matches, 0 elsewhere."""
    return [float(v) if k == key else 0.0 for k, v in zip(keys, values, strict=True)]
