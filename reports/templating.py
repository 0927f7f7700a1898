"""The one jinja2 Environment of gradegate: the web form and the reports share it.

Autoescape is always on (project names may hold `<`, `&` and quotes); partials
are named `_x.html`.
"""

from __future__ import annotations

from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

# Templates ship inside the package: the web form's and the reports'.
TEMPLATE_PACKAGES = ("gradegate.service", "gradegate.reports")


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
        loader=ChoiceLoader([PackageLoader(package, "templates") for package in TEMPLATE_PACKAGES]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    env.filters["pct"] = pct
    return env
