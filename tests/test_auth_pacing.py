"""Failed authentications are paced per client address; valid keys, and other addresses, never wait."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from gradegate.service.auth_pacing import MAX_ADDRESSES, FailurePacer
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.test_auth_matrix import PROJECT


def test_a_burst_at_once_then_one_failure_per_interval() -> None:
    pacer = FailurePacer(per_second=2, burst=3)
    # At one instant: the burst and the one the pace allows are answered at once, then each waits
    # half a second more than the one before.
    assert [pacer.wait("10.0.0.1", now=100.0) for _ in range(7)] == [0, 0, 0, 0, 0.5, 1.0, 1.5]
    assert pacer.wait("10.0.0.2", now=100.0) == 0  # another address has its own pace
    # Time pays the debt back: 2 s later, four intervals are free again.
    assert pacer.wait("10.0.0.1", now=102.0) == 0.0
    assert pacer.wait("10.0.0.1", now=102.0) == 0.5


def test_the_wait_is_capped_and_so_is_the_debt() -> None:
    pacer = FailurePacer(per_second=10, burst=1, max_wait_s=2.0)
    waits = [pacer.wait("a", now=0.0) for _ in range(1_000)]
    assert max(waits) == 2.0 and waits[-1] == 2.0
    # A thousand failures queued do not keep the address waiting for 100 s: once the cap's time
    # has passed, it fails at the pace again.
    assert pacer.wait("a", now=2.2) == pytest.approx(0.0)


def test_zero_per_second_never_paces() -> None:
    pacer = FailurePacer(per_second=0, burst=1)
    assert {pacer.wait("a", now=0.0) for _ in range(100)} == {0.0}


def test_the_addresses_remembered_are_bounded() -> None:
    pacer = FailurePacer(per_second=1, burst=1)
    for n in range(MAX_ADDRESSES + 500):
        pacer.wait(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", now=0.0)
    assert len(pacer._due) == MAX_ADDRESSES


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # One failure a second after a burst of 3: the 5th failure in a row waits about a second.
    settings = Settings(
        db_path=tmp_path_factory.mktemp("pacing") / "d.db",
        reload_poll_s=0,
        auth_failures_per_s=1,
        auth_failure_burst=3,
    )
    with LiveServer(settings, roles=["system", "viewer"]) as live:
        yield live


def client_from(url: str, address: str) -> httpx.Client:
    """A client whose connections leave from `address` (any 127.x.y.z is this machine's loopback)."""
    return httpx.Client(base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def test_a_flood_waits_and_valid_keys_do_not(server: LiveServer) -> None:
    bad = auth("gg_000000000000_" + "x" * 43)
    with client_from(server.url, "127.0.0.1") as c, client_from(server.url, "127.0.0.2") as other:
        started = time.monotonic()
        for _ in range(4):  # the burst and the one the pace allows: answered at once
            assert c.post("/v1/grade", json=PROJECT, headers=bad).status_code == 401
        assert c.post("/v1/grade", json=PROJECT).status_code == 401  # no key at all is a failure too
        after_burst = time.monotonic()

        # While 127.0.0.1 owes about a second, its valid keys and another address are answered at once.
        t = time.monotonic()
        graded = c.post("/v1/grade", json=PROJECT, headers=auth(server.keys["system"]))
        assert graded.status_code == 200 and time.monotonic() - t < 1.0
        t = time.monotonic()
        forbidden = c.post("/v1/grade", json=PROJECT, headers=auth(server.keys["viewer"]))
        assert forbidden.status_code == 403 and time.monotonic() - t < 1.0  # a known key: not a failure
        t = time.monotonic()
        assert other.post("/v1/grade", json=PROJECT, headers=bad).status_code == 401
        assert time.monotonic() - t < 1.0

        refused = c.post("/v1/grade", json=PROJECT, headers=bad)
        answered = time.monotonic()
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    # The 6th failure was due 2 s after the first (3 of tolerance, then one a second), and the
    # first cannot have reached the server before `started`.
    assert answered - started >= 2.0, (after_burst - started, answered - started)
