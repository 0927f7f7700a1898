"""The real service on a free loopback port, in a background thread: for tests and benchmarks.

with LiveServer(settings) as server:
    httpx.get(server.url + "/healthz")
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType

import uvicorn

from gradegate.service.app import create_app
from gradegate.service.db import make_engine
from gradegate.service.keys import ROLES, KeyStore
from gradegate.service.runtime import Service
from gradegate.service.settings import Settings


class LiveServer:
    def __init__(self, settings: Settings, *, roles: Iterable[str] = ROLES, access_log: bool = False):
        """`roles`: an API key is created for each before start-up (`self.keys[role]`)."""
        self.settings = settings
        engine = make_engine(settings)
        store = KeyStore(engine)
        self.keys = {role: store.create(role, f"test {role}")[1] for role in roles}
        engine.dispose()
        self.app = create_app(settings)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=access_log, lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def service(self) -> Service:
        return self.app.state.service

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive():
                self._sock.close()
                raise RuntimeError("the service did not start (see the log above)")
            if time.monotonic() > deadline:
                raise TimeoutError("the service did not start within 30 s")
            time.sleep(0.02)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
