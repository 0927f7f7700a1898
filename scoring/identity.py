"""Which rules made a decision: a rule file's identity (kind, name, version, content
hash) and the reference to it that every result and every logged decision carries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class RuleSetIdentity:
    kind: str
    name: str
    version: str
    hash: str
    path: str
    loaded_at: datetime

    @property
    def short_hash(self) -> str:
        return self.hash.removeprefix("sha256:")[:12]

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "name": self.name,
            "version": self.version,
            "hash": self.hash,
            "path": self.path,
            "loaded_at": self.loaded_at.isoformat(),
        }


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class RulesetRef(BaseModel):
    """The exact rules a decision came from."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    hash: str = Field(description="sha256 of the rule file's bytes")

    @classmethod
    def of(cls, identity: RuleSetIdentity) -> RulesetRef:
        return cls(name=identity.name, version=identity.version, hash=identity.hash)
