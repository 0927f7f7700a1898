"""Effective dates are days in China Standard Time (UTC+8, no daylight saving): a bundle
effective from 2026-12-01 decides from 00:00 that day in Beijing."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def today_cst(now: datetime | None = None) -> date:
    """The day it is in China now (or at `now`)."""
    return (now or datetime.now(CST)).astimezone(CST).date()


# YYYY-MM-DD only: Python 3.11's date.fromisoformat also reads 20261201 and week dates (2026-W49-1),
# which the contract (interfaces.md, lifecycle.md) does not accept.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str, field: str) -> date:
    """An ISO date (YYYY-MM-DD); ValueError naming the field, the value and what is accepted."""
    try:
        day = text.strip()
        if _DAY.fullmatch(day) is None:
            raise ValueError(day)
        return date.fromisoformat(day)
    except (ValueError, AttributeError):
        raise ValueError(f"{field}: {text!r} is not a date; give YYYY-MM-DD (a day in China Standard Time)") from None
