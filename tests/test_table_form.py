"""The web form of each decision table (/tables/{table}): generated from the table's inputs, with
Chinese labels and choices, server-side messages beside fields, no inline script or style, the
decision logged. Driven in a real headless chromium."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import RULES
from tests.test_table_rules import NEW_TABLE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES, rules)
    (rules / "tables" / "po_signer.yaml").write_text(NEW_TABLE, encoding="utf-8")  # a table added as a file
    settings = Settings(db_path=tmp_path_factory.mktemp("form") / "d.db", rules_dir=rules, reload_poll_s=0)
    with LiveServer(settings, roles=["viewer"]) as live:
        yield live


@pytest.mark.browser
def test_key_project_form_decides_and_logs(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/tables")
        page.click("text=重点项目认定")
        assert page.url.endswith("/tables/key_project")
        assert page.locator("label[for=budget_rmb]").inner_text().startswith("项目预算(元)")
        assert page.locator("#has_sample option").all_inner_texts() == ["— 请选择 —", "是", "否"]
        page.fill("#project_id", "<b>KP-1</b>")
        page.fill("#budget_rmb", "1,000,000")
        page.select_option("#has_sample", label="是")
        page.click("#decide")
        page.wait_for_selector("#result")
        assert page.locator("[data-output=key_project]").inner_text() == "是"
        assert page.locator("[data-output=steps]").inner_text() == "项目会签、成立项目组、项目实施方案书、样机甲方评审"
        assert page.locator("#matched li").all_inner_texts() == ["预算100万以上"]
        assert page.locator("h2").inner_text() == "判定结果 · <b>KP-1</b>"  # text, never markup
        page.screenshot(path=str(artifacts_dir / "table_form_key_project.png"), full_page=True)
        decision_id = page.locator("#decision-id").inner_text()
        logged = httpx.get(f"{server.url}/v1/decisions/{decision_id}", headers=auth(server.keys["viewer"]))
        assert logged.status_code == 200 and logged.json()["route"] == "/tables/key_project"
    finally:
        page.close()


@pytest.mark.browser
def test_messages_beside_the_fields_and_values_kept(server: LiveServer, browser) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/tables/project_class")
        page.fill("#project_id", "PC-1")
        page.fill("#amount_rmb", "一千万")
        page.select_option("#has_precedent", label="否")
        page.click("#decide")
        page.wait_for_selector("#error-summary")
        assert page.locator("#err-amount_rmb").inner_text() == (  # the table's own label of the input
            '标的额(元): "一千万" 是汉字数字，无法识别；请用阿拉伯数字填写 ≥ 0 的金额，如 12000000、1200万、1.2亿 或 "12,000,000"'
        )
        assert page.locator("#err-needs_rnd_change").inner_text() == (
            "需研发中心参与修改软件为必填项：请填写 true/false, yes/no, 1/0, 是/否"
        )
        assert page.locator("#amount_rmb").input_value() == "一千万"
        assert page.locator("#has_precedent").input_value() == "false"
        assert page.locator("#result").count() == 0
    finally:
        page.close()


@pytest.mark.browser
def test_a_table_added_as_a_file_has_its_form(server: LiveServer, browser) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/tables/po_signer")
        assert page.locator("h1").inner_text().startswith("采购订单签批")
        assert page.locator("#region option").all_inner_texts() == ["— 请选择 —", "北方", "南方"]
        page.fill("#po_id", "PO-9")
        page.fill("#amount_rmb", "300000")
        page.select_option("#region", label="南方")
        page.click("#decide")
        page.wait_for_selector("#result")
        assert page.locator("[data-output=signer]").inner_text() == "副总"
        assert page.locator("[data-output=notify]").inner_text() == "财务部、物流部"
    finally:
        page.close()


def test_the_pages_carry_no_inline_script_or_style(server: LiveServer) -> None:
    for path in ("/tables", "/tables/price_review", "/tables/po_signer"):
        html = httpx.get(server.url + path).text
        assert "<script" not in html and "<style" not in html and not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
    assert httpx.get(server.url + "/tables/nope").status_code == 404
