"""gradegate's settings: one object read from GRADEGATE_* environment variables,
validated at start-up. No other module reads the environment: the service gets
this object from create_app, the CLI from `gradegate.cli.common.settings()`.

Unsafe combinations are refused before the first request (see `check_safe`):
the service never starts open to the world by accident.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gradegate.scoring import default_roster_path, default_rules_dir
from gradegate.service.errors import UnsafeSettings

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRADEGATE_", frozen=True)

    host: str = Field(default="127.0.0.1", description="address `gradegate serve` listens on")
    port: int = Field(default=8000, ge=1, le=65535, description="port `gradegate serve` listens on")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the decision log and key store, e.g. postgresql+psycopg://u@host/db; "
        "unset: the SQLite file at db_path",
    )
    db_path: Path = Field(default=Path("gradegate.db"), description="SQLite file used when database_url is unset")
    db_schema: str | None = Field(default=None, description="PostgreSQL schema for the tables (default: search path)")
    db_busy_timeout_s: float = Field(default=2.0, gt=0, description="how long a write waits for a locked database")
    rules_dir: Path = Field(default_factory=default_rules_dir, description="folder of rule files")
    rules_source: Literal["folder", "database"] = Field(
        default="folder",
        description="where the served rules come from: the rules_dir folder, or the bundles published to the "
        "database (`gradegate rules publish`), the one effective now",
    )
    bundle_poll_s: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="seconds between checks for a newly effective bundle (database source); PostgreSQL also "
        "wakes every host at once with LISTEN/NOTIFY",
    )
    roster_path: Path = Field(default_factory=default_roster_path, description="roster CSV for /v1/reviewers/select")
    key_cache_s: float = Field(
        default=5.0, ge=0, le=300, description="seconds a verified API key is trusted before asking the database again"
    )
    auth_disabled: bool = Field(default=False, description="serve without API keys (loopback development only)")
    auth_failures_per_s: float = Field(
        default=20.0,
        ge=0,
        description="401s (no key, unknown or revoked key) answered at once per client address and second, "
        "after a burst of auth_failure_burst; beyond, each waits its turn (up to 10 s). 0: never paced",
    )
    auth_failure_burst: int = Field(
        default=50, ge=1, description="401s a client address may get at once before its failures are paced"
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="largest request body accepted")
    max_batch_items: int = Field(default=1000, ge=1, le=100_000, description="most projects in one batch request")
    reload_poll_s: float = Field(default=2.0, ge=0, description="seconds between rule-folder checks; 0: never poll")
    form_enabled: bool = Field(default=True, description="serve the initiation web form at /")
    form_secret: SecretStr | None = Field(
        default=None,
        description="key that signs the web form's CSRF tokens; unset: `gradegate serve` makes one for its "
        "workers (set it yourself when running several processes through uvicorn directly)",
    )
    form_origins: list[str] = Field(
        default_factory=list,
        description='other origins allowed to post the web form, as JSON (e.g. ["https://gg.example.com"]) — '
        "a proxy that changes the Host header",
    )
    form_token_max_age_s: int = Field(default=7200, ge=60, description="how long a form token stays valid")

    @field_validator("db_schema")
    @classmethod
    def _plain_schema(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError("a schema name is letters, digits and underscores")
        return value

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.db_path}"

    @property
    def db_is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def check_safe(self, key_count: int | None = None) -> None:
        """Refuse what must not start: no way in, or auth off on a non-loopback address."""
        if self.auth_disabled and self.host not in LOOPBACK:
            raise UnsafeSettings(
                f"GRADEGATE_AUTH_DISABLED=true is only allowed on a loopback address, not {self.host!r}: "
                "create a key with `gradegate keys create --role R` instead"
            )
        if not self.auth_disabled and key_count == 0:
            raise UnsafeSettings(
                f"no API key exists in {self.safe_db_url}: create one with `gradegate keys create --role submitter` "
                "(or set GRADEGATE_AUTH_DISABLED=true for loopback development)"
            )

    @property
    def safe_db_url(self) -> str:
        """The database URL without its password, for messages and logs."""
        from sqlalchemy.engine import make_url

        return make_url(self.db_url).render_as_string(hide_password=True)
