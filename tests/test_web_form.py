"""The initiation web form at /: Chinese labels and choices from the rule file, the grade at once,
server-side messages beside the fields. Driven in a real headless chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # The rule file's labels are edited, so the page can only show them if it reads the file.
    rules = tmp_path_factory.mktemp("rules")
    source = Path(__file__).resolve().parent.parent / "rules"
    for path in source.glob("*.yaml"):
        (rules / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    grading = rules / "grading.yaml"
    grading.write_text(
        grading.read_text(encoding="utf-8").replace("label: 战略核心", "label: 战略核心项目"), encoding="utf-8"
    )
    settings = Settings(db_path=tmp_path_factory.mktemp("form") / "d.db", rules_dir=rules, reload_poll_s=0)
    with LiveServer(settings, roles=["viewer"]) as live:
        yield live


FILLED = {
    "project_id": "WEB-001",
    "project_name": "<b>省网</b> & 双向改造",
    "amount_rmb": "12,000,000",
    "external_service_amount_rmb": "800000",
    "product_line_count": "1",
}
CHOSEN = {  # field → the Chinese label a person picks
    "strategic_status": "战略核心项目",
    "network_position": "首次入网",
    "tech_maturity": "成熟商用",
    "expedite": "无",
    "risk_scope": "低",
    "risk_legal": "中",
    "risk_cost": "低",
    "risk_contract_terms": "中",
    "risk_supplier": "低",
}


@pytest.mark.browser
def test_fill_submit_and_read_the_grade(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/")
        assert page.locator("label[for=strategic_status]").inner_text().startswith("战略地位")
        assert page.locator("label[for=risk_contract_terms]").inner_text().startswith("合同条款")
        for name, value in FILLED.items():
            page.fill(f"#{name}", value)
        for name, label in CHOSEN.items():
            page.select_option(f"#{name}", label=label)
        page.click("#grade")
        page.wait_for_selector("#result")
        # 15 amount + 15 core + 10 new entry + 1 mature + 5 medium risk + 4 external + 0 + 1 line = 51
        assert page.inner_text("#level") == "公司级"
        assert page.inner_text("#total") == "51 / 100"
        assert page.inner_text("#margin") == "+11"
        rows = page.locator("#breakdown tbody tr")
        assert rows.count() == 8
        assert rows.nth(1).inner_text().split("\t")[:3] == ["战略地位", "战略核心项目 (core)", "15"]
        # 12 points must go to fall to office level: only 战略地位 can lose that many (15 → 2).
        advice = page.locator("#whatif li")
        assert advice.count() == 1
        assert advice.first.inner_text() == "战略地位：改为 一般 (general) → 2 分，总分 38，办事处级"
        assert "<b>省网</b> & 双向改造" in page.inner_text("#result h2")  # shown as text, not markup
        decision_id = page.inner_text("#decision-id")
        page.screenshot(path=str(artifacts_dir / "web_form_result.png"), full_page=True)
    finally:
        page.close()
    logged = httpx.get(f"{server.url}/v1/decisions/{decision_id}", headers=auth(server.keys["viewer"])).json()
    assert logged["route"] == "/" and logged["key_id"] == "web-form"
    assert logged["output"]["total_score"] == 51 and logged["input"]["strategic_status"] == "core"


@pytest.mark.browser
def test_server_side_messages_beside_the_fields(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/")
        page.fill("#project_id", "WEB-002")
        page.fill("#amount_rmb", "很多")
        page.fill("#product_line_count", "0")
        page.select_option("#strategic_status", label="一般")
        page.click("#grade")
        page.wait_for_selector("#error-summary")
        assert "很多" in page.inner_text("#err-amount_rmb") and "number" in page.inner_text("#err-amount_rmb")
        assert "product_line_count" in page.inner_text("#err-product_line_count")
        assert page.locator("#err-network_position").count() == 1  # required, left empty
        assert page.locator("#err-strategic_status").count() == 0
        assert page.input_value("#amount_rmb") == "很多"  # what was typed is kept
        assert page.locator("#strategic_status option:checked").inner_text() == "一般"
        assert page.locator("#result").count() == 0
        page.screenshot(path=str(artifacts_dir / "web_form_errors.png"), full_page=True)
    finally:
        page.close()


def form_client(url: str) -> tuple[httpx.Client, str]:
    """A client that fetched the form (its cookie kept) and the form's CSRF token."""
    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return client, token.group(1)


def test_form_without_a_browser(server: LiveServer) -> None:
    client, token = form_client(server.url)
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "战略核心项目" in page.text and "项目等级评定" in page.text
    form = {**FILLED, "strategic_status": "core", "network_position": "new_entry", "tech_maturity": "mature"}
    form |= {"expedite": "none", **{f"risk_{f}": "low" for f in ("scope", "legal", "cost", "contract_terms")}}
    form["csrf_token"] = token
    bad = client.post("/", data=form)  # risk_supplier missing
    assert bad.status_code == 422 and 'id="err-risk_supplier"' in bad.text
    assert "&lt;b&gt;省网&lt;/b&gt; &amp; 双向改造" in bad.text
    good = client.post("/", data={**form, "risk_supplier": "high"})
    client.close()
    assert good.status_code == 200 and 'id="decision-id"' in good.text


def test_no_grade_shown_when_it_cannot_be_logged(tmp_path: Path) -> None:
    import sqlite3

    settings = Settings(db_path=tmp_path / "d.db", reload_poll_s=0, db_busy_timeout_s=0.2)
    form = {**FILLED, "strategic_status": "core", "network_position": "new_entry", "tech_maturity": "mature"}
    form |= {
        "expedite": "none",
        **{f"risk_{f}": "low" for f in ("scope", "legal", "cost", "contract_terms", "supplier")},
    }
    with LiveServer(settings, roles=["viewer"]) as live:
        client, form["csrf_token"] = form_client(live.url)
        lock = sqlite3.connect(settings.db_path, timeout=0.1)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            page = client.post("/", data=form)
        finally:
            client.close()
            lock.rollback()
            lock.close()
    assert page.status_code == 503 and 'id="fatal"' in page.text
    assert 'id="result"' not in page.text and 'id="decision-id"' not in page.text
