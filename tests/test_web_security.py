"""The safe web surface: security headers on every answer, CSRF defence on the form (a cross-site
post is refused in a real chromium, the normal form works), and /docs, /redoc served offline."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from gradegate.service.web_security import PAGE_CSP
from tests.test_auth_matrix import PROJECT
from tests.test_web_form import form_client

FORM = {
    "project_id": "CSRF-1",
    "amount_rmb": "12000000",
    "external_service_amount_rmb": "0",
    "product_line_count": "1",
    "strategic_status": "core",
    "network_position": "new_entry",
    "tech_maturity": "mature",
    "expedite": "none",
    **{f"risk_{f}": "low" for f in ("scope", "legal", "cost", "contract_terms", "supplier")},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(db_path=tmp_path_factory.mktemp("websec") / "d.db", reload_poll_s=0)
    with LiveServer(settings) as live:
        yield live


def decisions_logged(server: LiveServer) -> int:
    with server.service.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM gradegate_decisions").scalar_one())


def test_headers_on_pages_api_and_errors(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        for path in ("/", "/docs", "/redoc"):
            page = c.get(path)
            assert page.status_code == 200, path
            csp = page.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
            assert "script-src 'self';" in csp  # never an inline or eval'd script
            assert page.headers["x-frame-options"] == "DENY"
            assert page.headers["referrer-policy"] == "same-origin"
            assert page.headers["x-content-type-options"] == "nosniff"
        assert c.get("/").headers["content-security-policy"] == PAGE_CSP  # styles from our files only
        assert "<style" not in c.get("/").text and " style=" not in c.get("/").text
        for response in (
            c.get("/healthz"),
            c.get("/openapi.json"),
            c.post("/v1/grade", json=PROJECT, headers=auth(server.keys["system"])),
            c.post("/v1/grade", json=PROJECT),  # 401 problem
            c.get("/static/form.css"),
        ):
            assert response.headers["x-content-type-options"] == "nosniff", response.request.url


def test_form_post_without_token_or_from_another_origin_is_refused(server: LiveServer) -> None:
    before = decisions_logged(server)
    assert httpx.post(server.url + "/", data=FORM).status_code == 403  # no token, no cookie
    client, token = form_client(server.url)
    try:
        foreign = client.post("/", data={**FORM, "csrf_token": token}, headers={"Origin": "http://evil.example"})
        assert foreign.status_code == 403 and "another site" in foreign.text
        forged = client.post("/", data={**FORM, "csrf_token": token[:-2] + "xx"})
        assert forged.status_code == 403
        # A token fetched by another browser does not match this browser's cookie.
        other, other_token = form_client(server.url)
        other.close()
        assert client.post("/", data={**FORM, "csrf_token": other_token}).status_code == 403
        assert decisions_logged(server) == before  # nothing graded, nothing logged
        good = client.post("/", data={**FORM, "csrf_token": token}, headers={"Origin": server.url})
        assert good.status_code == 200 and 'id="decision-id"' in good.text
    finally:
        client.close()
    assert decisions_logged(server) == before + 1


@pytest.fixture
def attacker_site(server: LiveServer, tmp_path: Path) -> Iterator[str]:
    """Another origin (localhost, not 127.0.0.1) serving a page whose form posts to the service,
    carrying a genuine token the attacker fetched for themselves."""
    client, token = form_client(server.url)
    client.close()
    fields = "".join(f'<input name="{k}" value="{v}">' for k, v in {**FORM, "csrf_token": token}.items())
    (tmp_path / "index.html").write_text(
        f'<html><body><form id="f" method="post" action="{server.url}/">{fields}'
        '<button id="go" type="submit">win a prize</button></form></body></html>',
        encoding="utf-8",
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.browser
def test_cross_site_post_is_refused_in_chromium(server: LiveServer, browser, attacker_site: str) -> None:
    before = decisions_logged(server)
    page = browser.new_page()
    try:
        page.goto(server.url + "/")  # the victim has the form open: its cookie is set
        page.goto(attacker_site)
        with page.expect_navigation():
            page.click("#go")
        assert "another site" in page.inner_text("#fatal")
        assert page.locator("#decision-id").count() == 0
        assert decisions_logged(server) == before
        # The same browser, on the real form: the grade comes back.
        page.goto(server.url + "/")
        for name, value in FORM.items():
            if page.locator(f"select#{name}").count():
                page.select_option(f"#{name}", value)
            else:
                page.fill(f"#{name}", value)
        page.click("#grade")
        page.wait_for_selector("#decision-id")
        assert decisions_logged(server) == before + 1
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("path", "ready"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_docs_load_nothing_from_outside_and_violate_no_policy(
    server: LiveServer, browser, artifacts_dir: Path, path: str, ready: str
) -> None:
    page = browser.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server.url + path)
        page.wait_for_selector(ready, timeout=30_000)
        assert "gradegate" in page.inner_text(ready)
        page.screenshot(path=str(artifacts_dir / f"docs{path.replace('/', '-')}.png"))
    finally:
        page.close()
    outside = [u for u in requested if not (u.startswith(server.url) or re.match(r"^(data|blob):", u))]
    assert not outside, outside
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.browser
def test_form_page_violates_no_policy(server: LiveServer, browser) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server.url + "/")
        assert page.evaluate("getComputedStyle(document.body).fontFamily")  # form.css applied
    finally:
        page.close()
    assert not problems, problems
