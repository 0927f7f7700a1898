"""How a person reads amounts and times: RMB in 万 / 亿, China Standard Time.

One place for both, used by the report, the charts and the service's pages
(people.md: `81.80 亿元`, times in China Standard Time).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

# China keeps one offset all year (no daylight saving): a fixed zone is exact and
# needs no tz database on the host.
CHINA = timezone(timedelta(hours=8), "CST")
WAN, YI = 10_000, 100_000_000


def amount_cn(value: float | int | None) -> str:
    """An RMB amount as managers say it: 8179699217 → `81.80 亿元`, 12000000 → `1,200.00 万元`,
    5000 → `5,000 元`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    magnitude = abs(value)
    if magnitude >= YI:
        return f"{value / YI:,.2f} 亿元"
    if magnitude >= WAN:
        return f"{value / WAN:,.2f} 万元"
    return f"{value:,.0f} 元"


def amount_short(value: float) -> str:
    """A round amount as a limit is written: 5000000 → `500万`, 100000000 → `1亿`, 500 → `500`."""
    for unit, word in ((YI, "亿"), (WAN, "万")):
        if abs(value) >= unit:
            return f"{value / unit:g}{word}"
    return f"{value:g}"


def china_time(moment: datetime) -> str:
    """A moment as `2026-11-30 11:42:46 北京时间`; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") + " 北京时间"


def now_china() -> datetime:
    return datetime.now(CHINA).replace(microsecond=0)


def limits_words(lo: float, lo_closed: bool, hi: float, *, amount: bool) -> str:
    """A band's limits in words: `500万–2000万` (from 500万, below 2000万), `5000万及以上`, `超过3`."""
    shown = amount_short if amount else (lambda x: f"{x:g}")
    if lo == hi:
        return shown(lo)
    if math.isinf(hi):
        return f"{shown(lo)}及以上" if lo_closed else f"超过{shown(lo)}"
    start = shown(lo) if lo_closed else f"{shown(lo)}(不含)"
    return f"{start}–{shown(hi)}"
