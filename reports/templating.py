"""The one jinja2 Environment of gradegate: the web form and the reports share it.

Autoescape is always on (project names may hold `<`, `&` and quotes); partials
are named `_x.html`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = (_ROOT / "service" / "templates", _ROOT / "reports" / "templates")


def money(value: float | int | None) -> str:
    """12000000 → 12,000,000 (RMB amounts as managers read them)."""
    if value is None:
        return ""
    return f"{value:,.0f}"


def pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value * 100:.{digits}f}%"


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    env.filters["pct"] = pct
    return env
