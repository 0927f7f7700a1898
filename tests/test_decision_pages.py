"""The gate-readiness, reviewer-selection and decision-history pages, and the grading form's
override fields and bands in words, driven in a real headless chromium: labels and choices from
the rule files, messages beside the fields, every decision logged and listed in the history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import DATA, RULES

PAGES = ("/", "/gates", "/gates?gate=R4", "/reviewers", "/history", "/history?project_id=P-PAGE")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A label edited in the rule file: the page can only show it if it reads the file.
    rules = tmp_path_factory.mktemp("rules")
    for path in RULES.glob("*.yaml"):
        (rules / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    gates = rules / "gates.yaml"
    gates.write_text(gates.read_text(encoding="utf-8").replace("风险管理表", "风险管理登记表"), encoding="utf-8")
    # Every 知识产权权签人 away: the reviewer page must say why nobody can fill the role.
    roster = tmp_path_factory.mktemp("roster") / "experts.csv"
    lines = (DATA / "experts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    roster.write_text("".join(x.replace(",true,", ",false,") if "ip_signatory" in x else x for x in lines), "utf-8")
    pages = tmp_path_factory.mktemp("pages")
    settings = Settings(db_path=pages / "d.db", rules_dir=rules, reload_poll_s=0, roster_path=roster)
    with LiveServer(settings, roles=["viewer"]) as live:
        yield live


def page_client(url: str, path: str) -> tuple[httpx.Client, str]:
    """A client that opened a page (its CSRF cookie kept) and the token the page's form posts back."""
    client = httpx.Client(base_url=url, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert token is not None
    return client, token.group(1)


def logged(server: LiveServer, decision_id: str) -> dict:
    response = httpx.get(f"{server.url}/v1/decisions/{decision_id}", headers=auth(server.keys["viewer"]))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.browser
def test_gate_readiness_page(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    try:
        page.goto(server.url + "/gates")
        page.select_option("#pick", label="R1 需求/可行性/赢标策略/总体方案评审")
        page.click("#show-gate")
        assert page.inner_text("#gate-title") == "R1 需求/可行性/赢标策略/总体方案评审"
        assert page.locator("label[for=deliverables-risk_register]").inner_text() == "风险管理登记表"
        assert page.inner_text("#hint-deliverables-risk_register") == "要求：已提交 · 责任人：项目总监"
        assert page.inner_text("#hint-deliverables-bid_plan") == "要求：已批准 · 责任人：行销经理 · 仅当投标项目"
        page.fill("#project_id", "P-PAGE")
        page.check("#flags-bid")
        page.check("#passed_gates-SDP1")
        page.select_option("#deliverables-feasibility_report", label="已批准")
        page.select_option("#deliverables-overall_solution", label="已批准")
        page.select_option("#deliverables-risk_register", label="草稿")
        page.click("#check")
        page.wait_for_selector("#result")
        assert page.inner_text("#verdict") == "受阻"
        assert page.inner_text("#authority") == "评审小组"
        assert page.inner_text("#satisfied") == "3 / 5"
        assert page.inner_text("#whose-move") == "下一步由谁行动：行销经理、项目总监"
        rows = page.locator("#blocking tbody tr")
        assert [rows.nth(i).get_attribute("data-code") for i in range(rows.count())] == ["bid_plan", "risk_register"]
        assert rows.nth(1).inner_text().split("\t") == [
            "risk_register 风险管理登记表",
            "状态不足",
            "草稿",
            "已提交",
            "项目总监",
        ]
        assert page.is_checked("#flags-bid") and page.input_value("#deliverables-risk_register") == "draft"
        decision_id = page.inner_text("#decision-id")
        page.screenshot(path=str(artifacts_dir / "gates_page_result.png"), full_page=True)
    finally:
        page.close()
    record = logged(server, decision_id)
    assert record["route"] == "/gates" and record["key_id"] == "web-form"
    assert record["input"]["flags"] == {"bid": True} and record["input"]["passed_gates"] == ["SDP1"]
    assert record["output"]["ready"] is False and record["ruleset"]["name"] == "default-gates"


@pytest.mark.browser
def test_gate_page_messages_beside_fields(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    try:
        page.goto(server.url + "/gates?gate=SDP1")
        page.fill("#project_id", "P-PAGE-2")
        page.click("#check")  # SDP1 is decided by level: required, left empty
        page.wait_for_selector("#error-summary")
        assert page.locator("#err-level").count() == 1 and "level" in page.inner_text("#err-level")
        assert page.get_attribute("#level", "aria-invalid") == "true"
        assert page.input_value("#project_id") == "P-PAGE-2"
        assert page.locator("#result").count() == 0
        page.screenshot(path=str(artifacts_dir / "gates_page_errors.png"), full_page=True)
        page.select_option("#level", label="公司级")
        for code in ("planning_report", "initiation_form", "grading_form"):
            page.select_option(f"#deliverables-{code}", label="已批准")
        page.click("#check")
        page.wait_for_selector("#result")
        assert page.inner_text("#verdict") == "就绪" and page.inner_text("#authority") == "市场销服管理团队"
        assert page.locator("#blocking").count() == 0
    finally:
        page.close()


@pytest.mark.browser
def test_reviewer_selection_page(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    try:
        page.goto(server.url + "/reviewers")
        assert "5000万" not in page.inner_text("#hint-amount_rmb")
        assert page.inner_text("#hint-amount_rmb") == "单位：元（人民币） · 500万及以上为重大 → 行销权签人"
        page.select_option("#kind", label="合同")
        page.fill("#id", "C-PAGE")
        page.select_option("#contract_type", label="分销 → 行销权签人")
        page.fill("#amount_rmb", "6,000,000")
        page.check("#clauses-technical_terms")
        page.check("#clauses-penalty_terms")
        page.fill("#submitter", "E001")
        page.check("#high_risk")
        page.click("#select")
        page.wait_for_selector("#result")
        assert page.inner_text("#authority") == "公司高层"
        assert page.inner_text("#meeting") == "不需要"
        rows = page.locator("#panel tbody tr")
        roles = [rows.nth(i).get_attribute("data-role") for i in range(rows.count())]
        assert roles == [
            "sales_mgmt_signatory", "finance_signatory", "legal_signatory", "rnd_signatory", "marketing_signatory",
        ]  # fmt: skip
        why = page.locator('#panel tr[data-role="marketing_signatory"] td').nth(1).inner_text()
        assert why.startswith("合同类型：分销；金额：重大")
        assert "条款：违约条款" in page.locator('#panel tr[data-role="legal_signatory"] td').nth(1).inner_text()
        experts = page.locator("#panel td.expert").all_inner_texts()
        assert all(re.fullmatch(r".+（E\d{3}）", e) for e in experts) and not any("E001" in e for e in experts)
        decision_id = page.inner_text("#decision-id")
        page.screenshot(path=str(artifacts_dir / "reviewers_page_result.png"), full_page=True)
        page.goto(server.url + "/reviewers")
        page.select_option("#kind", label="合同")
        page.fill("#id", "C-PAGE-IP")
        page.fill("#amount_rmb", "100000")
        page.check("#clauses-ip_terms")
        page.fill("#submitter", "E001")
        page.click("#select")
        page.wait_for_selector("#result")
        assert page.inner_text("#unfilled") == "1"
        assert page.locator('#panel tr[data-role="ip_signatory"] td.expert').inner_text() == (
            "未能指派：知识产权权签人（ip_signatory）无人可选：名册中有 9 人担任该角色，其中 9 人不可用"
        )
        page.screenshot(path=str(artifacts_dir / "reviewers_page_unfilled.png"), full_page=True)
        page.goto(server.url + "/reviewers")
        page.select_option("#kind", label="订单")
        page.fill("#id", "O-PAGE")
        page.fill("#amount_rmb", "-5")
        page.click("#select")
        page.wait_for_selector("#error-summary")
        for field in ("contract_id", "amount_rmb", "clauses", "submitter"):
            assert page.locator(f"#err-{field}").is_visible(), field
        page.screenshot(path=str(artifacts_dir / "reviewers_page_errors.png"), full_page=True)
    finally:
        page.close()
    record = logged(server, decision_id)
    assert record["route"] == "/reviewers" and record["input"]["clauses"] == ["technical_terms", "penalty_terms"]
    assert record["input"]["high_risk"] is True and record["input"]["amount_rmb"] == "6,000,000"


@pytest.mark.browser
def test_grading_form_override_and_bands_in_words(server: LiveServer, browser, artifacts_dir: Path) -> None:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    try:
        page.goto(server.url + "/")
        hint = page.inner_text("#hint-amount_rmb")
        assert hint.startswith("单位：元（人民币）· 分档：0–100万：5 分；100万–500万：10 分；500万–2000万：15 分")
        assert hint.endswith("5000万及以上：25 分")
        assert page.inner_text("#hint-product_line_count") == "分档：1：1 分；2：4 分；3：7 分；4及以上：10 分"
        values = {"project_id": "P-PAGE", "amount_rmb": "12000000", "external_service_amount_rmb": "0"}
        values["product_line_count"] = "1"
        for name, value in values.items():
            page.fill(f"#{name}", value)
        for name, label in {
            "strategic_status": "战略核心", "network_position": "首次入网", "tech_maturity": "成熟商用",
            "expedite": "无", "risk_scope": "低", "risk_legal": "低", "risk_cost": "低",
            "risk_contract_terms": "低", "risk_supplier": "低",
        }.items():  # fmt: skip
            page.select_option(f"#{name}", label=label)
        page.select_option("#override_level", label="办事处级")
        page.click("#grade")
        page.wait_for_selector("#error-summary")  # an override needs who approved it and why
        assert page.locator("#err-override_approved_by").is_visible()
        assert page.locator("#err-override_reason").is_visible()
        page.fill("#override_approved_by", "王总")
        page.fill("#override_reason", "<b>客户</b>要求按办事处级管理")
        page.click("#grade")
        page.wait_for_selector("#result")
        assert page.inner_text("#level") == "办事处级"
        decision_id = page.inner_text("#decision-id")
        page.screenshot(path=str(artifacts_dir / "web_form_override.png"), full_page=True)
    finally:
        page.close()
    record = logged(server, decision_id)
    assert record["output"]["computed_level"] == "company" and record["output"]["level"] == "office"
    assert record["input"]["override_reason"] == "<b>客户</b>要求按办事处级管理"


@pytest.mark.browser
def test_decision_history_page(server: LiveServer, browser, artifacts_dir: Path) -> None:
    client, token = page_client(server.url, "/gates?gate=R1")
    for deliverable in ("draft", "submitted"):  # two gate checks of P-HIST, the second the newest
        body = {"gate": "R1", "project_id": "P-HIST", "passed_gates": "SDP1", "deliverables.risk_register": deliverable}
        assert client.post("/gates", data={**body, "csrf_token": token}).status_code == 200
    client.close()
    api = httpx.get(
        server.url + "/v1/decisions", params={"project_id": "P-HIST"}, headers=auth(server.keys["viewer"])
    ).json()
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page.goto(server.url + "/history")
        page.fill("#project_id", "P-HIST")
        page.click("#show")
        page.wait_for_selector("#decisions")
        rows = page.locator("#decisions tbody tr")
        assert [rows.nth(i).get_attribute("data-decision") for i in range(rows.count())] == [
            d["decision_id"] for d in api["decisions"]
        ]
        assert rows.count() == 2
        first = rows.nth(0).locator("td").all_inner_texts()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 北京时间", first[0])
        assert first[1:5] == [
            "关口就绪检查（页面）",
            "R1 需求/可行性/赢标策略/总体方案评审 · 受阻",
            "default-gates 2026.11-1",
            "web-form",
        ]
        page.click("#decisions tbody tr:first-child summary")
        assert '"risk_register": "submitted"' in page.locator("#decisions tbody tr:first-child pre").first.inner_text()
        page.screenshot(path=str(artifacts_dir / "history_page.png"), full_page=True)
        page.fill("#since", "昨天")
        page.click("#show")
        assert page.locator("#err-since").is_visible()
        page.goto(server.url + "/history?project_id=nobody")
        assert page.locator("#no-decisions").is_visible()
    finally:
        page.close()


def test_pages_carry_no_inline_script_or_style(server: LiveServer) -> None:
    for path in PAGES:
        response = httpx.get(server.url + path)
        assert response.status_code == 200, path
        html = response.text
        assert "<script" not in html and "<style" not in html and " style=" not in html, path
        assert re.search(r'<link rel="stylesheet" href="/static/form.css">', html), path
        assert all(href.startswith("/") for href in re.findall(r'(?:href|src|action)="([^"]*)"', html)), path


def test_unknown_gate_is_refused_beside_the_choice(server: LiveServer) -> None:
    client, token = page_client(server.url, "/gates")
    response = client.post("/gates", data={"gate": "SDP9", "project_id": "P", "csrf_token": token})
    client.close()
    assert response.status_code == 422 and "关口 &#39;SDP9&#39; 不存在" in response.text
    assert 'id="result"' not in response.text


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/gates", {"gate": "SDP1", "project_id": "P-FORGED", "level": "office"}),
        ("/reviewers", {"kind": "contract", "id": "P-FORGED", "amount_rmb": "1", "clauses": "legal_terms",
                        "submitter": "E001"}),
    ],
)  # fmt: skip
def test_forged_posts_decide_nothing(server: LiveServer, path: str, form: dict[str, str]) -> None:
    """A post without the page's token, or from another site, is refused (403) and nothing is logged."""
    assert httpx.post(server.url + path, data=form).status_code == 403
    client, token = page_client(server.url, path)
    foreign = client.post(path, data={**form, "csrf_token": token}, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403 and 'id="fatal"' in foreign.text and 'id="result"' not in foreign.text
    genuine = client.post(path, data={**form, "csrf_token": token}, headers={"Origin": server.url})
    client.close()
    assert genuine.status_code == 200 and 'id="decision-id"' in genuine.text
    history = httpx.get(
        server.url + "/v1/decisions", params={"project_id": "P-FORGED"}, headers=auth(server.keys["viewer"])
    ).json()
    assert [d["route"] for d in history["decisions"]].count(path) == 1  # the genuine post only
