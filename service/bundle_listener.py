"""PostgreSQL LISTEN for published bundles: a publish on any host wakes every worker at once.

One thread per worker holds its own connection (outside SQLAlchemy's pool: a listening
connection must stay open and idle) and calls `on_publish` for each notification.
Polling (GRADEGATE_BUNDLE_POLL_S) still runs beside it: a notification lost while the
connection was down costs at most one poll interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

log = logging.getLogger("gradegate.service")


class BundleListener:
    def __init__(self, database_url: str, channel: str, on_publish: Callable[[], object]):
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self.channel = channel
        self.on_publish = on_publish
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gradegate-bundle-listener", daemon=True)

    def start(self) -> BundleListener:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5):
                            self.on_publish()
            except Exception as exc:  # a dropped connection: polling covers the gap, then listen again
                log.warning("bundle listener: %s; retrying in 2 s", exc)
                self._stop.wait(2.0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
