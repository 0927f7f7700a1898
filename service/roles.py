"""The API-key roles and what each may do: the vocabulary of auth, kept apart from the key store."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["submitter", "system", "viewer", "analyst", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_HELP = {
    "submitter": "grade projects (POST /v1/grade, /v1/grade/batch)",
    "system": "every decision route (grade, gates, reviewers)",
    "viewer": "read rule sets, decisions and reports",
    "analyst": "reload the rules, and read like a viewer",
    "admin": "manage API keys",
}
