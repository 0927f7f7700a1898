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
