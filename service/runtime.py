"""What one service process holds: settings, database, keys, decision log, rules.

Built in the app's lifespan — after uvicorn has started the worker — because
durable_rules must build its host in the process that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from gradegate.service.auth_pacing import FailurePacer
from gradegate.service.bundle_source import AsOfRules, BundleSource
from gradegate.service.bundles import BundleStore
from gradegate.service.db import make_engine
from gradegate.service.decision_log import DecisionLog
from gradegate.service.keys import KeyStore
from gradegate.service.rules_state import RulesState
from gradegate.service.settings import Settings


@dataclass
class Service:
    settings: Settings
    engine: Engine
    keys: KeyStore
    log: DecisionLog
    rules: RulesState
    roster_cache: dict[str, Any]
    bundles: BundleStore
    as_of: AsOfRules
    auth_failures: FailurePacer

    @classmethod
    def start(cls, settings: Settings) -> Service:
        engine = make_engine(settings)
        keys = KeyStore(engine, settings.key_cache_s)
        settings.check_safe(key_count=None if settings.auth_disabled else keys.count_active())
        keys.reload()  # the key table in memory before the first request
        bundles = BundleStore(engine, settings.db_schema)
        source = BundleSource(bundles) if settings.rules_source == "database" else settings.rules_dir
        rules = RulesState(source)
        pacer = FailurePacer(settings.auth_failures_per_s, settings.auth_failure_burst)
        return cls(settings, engine, keys, DecisionLog(engine), rules, {}, bundles, AsOfRules(bundles), pacer)

    def stop(self) -> None:
        self.log.close()
        self.rules.close()
        self.as_of.close()
        self.engine.dispose()
