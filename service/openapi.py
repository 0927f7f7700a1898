"""The OpenAPI document integrators generate clients from: the problem+json answers every
/v1 route may give (one shared `responses=` definition), request bodies that routes read
themselves documented by reference, and the labels of the rules the docs describe.

Routes that parse their body themselves (the core validates every field, so a pydantic
pass first would only cost time) declare it with `body_doc(Model, examples)`; `finish`
puts those models into `components.schemas`, where the `$ref`s point.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from gradegate.scoring import RuleSets, load_rulesets

REF = "#/components/schemas/{model}"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    """One field's problem: the same shape in problems and in batch items."""

    field: str = Field(description="the field, dotted for nested ones (`risk.scope`, `items.3`), or `body`")
    value: Any = Field(default=None, description="the value given")
    reason: str = Field(description="a stable reason code (scoring/errors.py): missing, unknown_value, …")
    message: str = Field(description="what is wrong and what is accepted, for a person")
    accepted: str | None = Field(default=None, description="what the field accepts")


class ProblemDetails(BaseModel):
    """An error (RFC 9457 problem details), `application/problem+json`."""

    type: str = Field(description="`urn:gradegate:problem:<slug>`", examples=["urn:gradegate:problem:invalid-input"])
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="the path asked")
    errors: list[FieldError] | None = Field(default=None, description="per field, when fields are at fault")


def problem_doc(status: int, slug: str, title: str, detail: str, what: str) -> dict[str, Any]:
    example = {"type": f"urn:gradegate:problem:{slug}", "title": title, "status": status, "detail": detail}
    return {
        "description": what,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="ProblemDetails")}, "example": example}},
    }


# Every /v1 route's error answers, declared once and passed to each /v1 route as `responses=`.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem_doc(
        401, "unauthenticated", "API key required", "the API key is unknown or revoked",
        "no key, or an unknown or revoked one",
    ),
    403: problem_doc(
        403, "forbidden", "Role not allowed", "key k1 has role 'viewer'; /v1/grade needs one of submitter, system",
        "the key's role may not use this route",
    ),
    404: problem_doc(
        404, "not-found", "Not found", "no decision '0190…' in the log", "no such thing (decision, key, route)"
    ),
    413: problem_doc(
        413, "too-large", "Request too large", "the body holds more than 1048576 bytes",
        "the body is larger than GRADEGATE_MAX_BODY_BYTES",
    ),
    422: problem_doc(
        422, "invalid-input", "Invalid input", "1 field(s) are invalid: strategic_status: …",
        "invalid fields or parameters: each named in `errors` with its value and what is accepted",
    ),
    503: problem_doc(
        503, "decision-log-unavailable", "Decision log unavailable",
        "the decision could not be recorded, so none was made; retry later",
        "the database, the decision log or the roster is unavailable; retry later",
    ),
}  # fmt: skip

DOCUMENTED_MODELS: list[type[BaseModel]] = [ProblemDetails]


def body_doc(model: type[BaseModel], examples: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its JSON body itself: the body is `model`, with examples."""
    if model not in DOCUMENTED_MODELS:
        DOCUMENTED_MODELS.append(model)
    content: dict[str, Any] = {
        "schema": {"$ref": REF.format(model=model.__name__)},
        "examples": {name: {"value": value} for name, value in examples.items()},
    }
    return {"requestBody": {"required": True, "content": {"application/json": content}}}


def finish(openapi: dict[str, Any]) -> dict[str, Any]:
    """Put the documented request models (and what they refer to) into `components.schemas`."""
    _, top = models_json_schema([(m, "validation") for m in DOCUMENTED_MODELS], ref_template=REF)
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in top.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    # An uploaded file reads `contentMediaType` in OpenAPI 3.1; generators still look for the
    # 3.0 spelling (`format: binary`) to send it as a file: both are given.
    for schema in schemas.values():
        for prop in schema.get("properties", {}).values():
            if prop.get("type") == "string" and prop.get("contentMediaType") == "application/octet-stream":
                prop.setdefault("format", "binary")
    return openapi


@cache
def shipped_rules() -> RuleSets:
    """The shipped rule files: the codes and Chinese labels the request schemas list."""
    return load_rulesets()


def choices(pairs: dict[str, str]) -> str:
    """`core 战略核心 · important 重要`: codes with their Chinese labels, for a description."""
    return " · ".join(f"{code} {label}" for code, label in pairs.items())


def answers(example: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """A /v1 route's `responses=`: the shared problems, and an example of its own answer."""
    return {**PROBLEM_RESPONSES, status: {"content": {"application/json": {"example": example}}}}
