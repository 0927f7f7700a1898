"""The documented shapes of the service's own routes: health, API keys, reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gradegate.service.roles import ROLE_HELP, Role


class HealthOut(BaseModel):
    status: str = Field(description="`ok` while the process answers", examples=["ok"])


class KeyOut(BaseModel):
    """An API key as listed: never its secret."""

    id: str = Field(description="the key's id: what the decision log records as the caller")
    role: Role = Field(description="; ".join(f"{role}: {what}" for role, what in ROLE_HELP.items()))
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


class KeyCreateIn(BaseModel):
    """A key to create; an unknown field is refused by name."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"role": "system", "label": "ERP integration"}]}
    )

    role: Role | str = Field(description="; ".join(f"{role}: {what}" for role, what in ROLE_HELP.items()))
    label: str | None = Field(default=None, max_length=200, description="what the key is for")


class KeyCreated(KeyOut):
    key: str = Field(description="the key itself (`gg_<id>_<secret>`): shown this once, stored only as a hash")


class KeyRevoked(BaseModel):
    id: str
    revoked: bool


# The report's two answers: the page, or the workbook.
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the report: HTML (`format=html`) or an Excel workbook (`format=xlsx`)",
        "content": {
            "text/html": {
                "schema": {"type": "string"},
                "example": '<!doctype html><html lang="zh-CN">…项目组合报告…</html>',
            },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


class BundleOut(BaseModel):
    """A published rule bundle (lifecycle.md): immutable, identified by its folder hash."""

    hash: str = Field(description="sha256 of the bundle's files")
    effective_from: str = Field(description="the day (China Standard Time) from which it decides, YYYY-MM-DD")
    published_at: str = Field(description="when it was published (ISO 8601)")
    published_by: str
    versions: dict[str, str] = Field(description="each rule file's version, by file")


class BundleListed(BundleOut):
    short_hash: str
    state: str = Field(description="serving (effective now), scheduled (effective later) or superseded")
    previous: str | None = Field(description="the hash of the bundle before it; null for the first")
    changes: list[str] = Field(description="what changed from the bundle before it, in words")


_BUNDLE_EXAMPLE: dict[str, Any] = {
    "hash": "sha256:9f2c…",
    "effective_from": "2026-12-01",
    "published_at": "2026-11-28T09:30:00+00:00",
    "published_by": "李分析",
    "versions": {"grading.yaml": "2026.12-1", "gates.yaml": "2026.11-1", "reviewers.yaml": "2026.11-1"},
}


class BundlesOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "today": "2026-11-30",
                    "effective_now": None,
                    "next": _BUNDLE_EXAMPLE,
                    "total": 1,
                    "bundles": [
                        {
                            **_BUNDLE_EXAMPLE,
                            "short_hash": "9f2c1a7e0b3d",
                            "state": "scheduled",
                            "previous": None,
                            "changes": ["第一个规则包"],
                        }
                    ],
                }
            ]
        }
    )

    today: str = Field(description="today in China Standard Time, YYYY-MM-DD")
    effective_now: BundleOut | None
    next: BundleOut | None = Field(description="the next bundle to take effect, if one is scheduled")
    total: int
    bundles: list[BundleListed] = Field(description="the newest 50, newest effective first")
