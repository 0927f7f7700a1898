"""The analysts' page of published bundles: JSON and HTML, in a real headless chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from gradegate.scoring import RuleBundle, today_cst
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import RULES


def _variant(folder: Path, threshold: int, version: str) -> RuleBundle:
    grading = folder / "grading.yaml"
    text = re.sub(r"^threshold: \d+", f"threshold: {threshold}", grading.read_text(encoding="utf-8"), flags=re.M)
    grading.write_text(re.sub(r'^version: ".*"', f'version: "{version}"', text, flags=re.M), encoding="utf-8")
    return RuleBundle.of_folder(folder)


@pytest.fixture
def live(tmp_path: Path, rules_copy: Path):  # type: ignore[no-untyped-def]
    with LiveServer(Settings(db_path=tmp_path / "g.db", reload_poll_s=0)) as server:
        store = server.service.bundles
        today = today_cst()
        store.publish(RuleBundle.of_folder(RULES), today - timedelta(days=60), "王分析")
        store.publish(_variant(rules_copy, 42, "2026.10-2"), today - timedelta(days=10), "李分析")
        # a project name-like text in a rule file's label stays text on the page
        project_name = rules_copy / "grading.yaml"
        project_name.write_text(
            project_name.read_text(encoding="utf-8").replace("label: 一般,", 'label: "<b>一般</b>",'), encoding="utf-8"
        )
        store.publish(_variant(rules_copy, 44, "2026.12-1"), today + timedelta(days=5), "<script>x</script>")
        yield server


def test_bundles_json_names_now_next_and_changes(live: LiveServer) -> None:
    view = httpx.get(live.url + "/v1/rules/bundles", headers=auth(live.keys["analyst"])).json()
    today = today_cst()
    assert view["today"] == today.isoformat()
    states = [b["state"] for b in view["bundles"]]
    assert states == ["scheduled", "serving", "superseded"]
    assert view["effective_now"]["effective_from"] == (today - timedelta(days=10)).isoformat()
    assert view["next"]["effective_from"] == (today + timedelta(days=5)).isoformat()
    newest, serving, first = view["bundles"]
    assert (
        "grading: version 2026.10-2 → 2026.12-1; threshold 42 → 44; strategic.general label 一般 → <b>一般</b>"
        in newest["changes"]
    )
    assert serving["changes"] == ["grading: version 2026.11-1 → 2026.10-2; threshold 40 → 42"]
    assert first["changes"] == ["第一个规则包"] and first["published_by"] == "王分析"


def test_only_viewers_and_analysts_read_the_bundles_page(live: LiveServer) -> None:
    # the page is outside the OpenAPI schema, so the auth matrix does not cover it: its roles are checked here
    for role, status in (("viewer", 200), ("analyst", 200), ("submitter", 403), ("system", 403), ("admin", 403)):
        response = httpx.get(live.url + "/rules/bundles", headers=auth(live.keys[role]))
        assert response.status_code == status, role
    assert httpx.get(live.url + "/rules/bundles").status_code == 401


@pytest.mark.browser
def test_bundles_page_in_chromium(live: LiveServer, browser, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(extra_http_headers=auth(live.keys["viewer"]), locale="zh-CN")
    page = context.new_page()
    try:
        response = page.goto(live.url + "/rules/bundles")
        assert response is not None and response.status == 200
        rows = page.locator("#bundles tbody tr")
        assert rows.count() == 3
        assert [rows.nth(i).locator("td.state").inner_text() for i in range(3)] == [
            "scheduled",
            "serving",
            "superseded",
        ]
        assert "takes effect on " + (today_cst() + timedelta(days=5)).isoformat() in page.locator("#next").inner_text()
        assert "effective now" in page.locator("#effective-now").inner_text()
        changes = rows.nth(0).locator("td.changes").inner_text()
        assert "threshold 42 → 44" in changes and "<b>一般</b>" in changes  # shown as text, not markup
        assert rows.nth(0).locator("td").nth(4).inner_text() == "<script>x</script>"
        assert page.locator("b").count() == 0 and page.locator("script").count() == 0
        assert page.locator("[style]").count() == 0 and page.locator("style").count() == 0
        # the stylesheet is served and applied (the serving row is tinted)
        tint = rows.nth(1).evaluate("row => getComputedStyle(row).backgroundColor")
        assert tint == "rgb(238, 248, 238)"
        page.screenshot(path=str(artifacts_dir / "bundles-page.png"), full_page=True)
    finally:
        context.close()
