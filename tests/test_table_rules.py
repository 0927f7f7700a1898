"""Decision-table files are validated before use, each problem with file:line; a new
table is a new file and nothing else (CLI and API pick it up)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import httpx
import pytest

from gradegate.scoring import RuleDefinitionError, TableRuleSet, load_rulesets
from gradegate.service.settings import Settings
from gradegate.service.testing import LiveServer, auth
from tests.helpers import RULES, run_cli

HEADER = """\
name: t
version: "1"
code: t
label: 测试表
id_field: id
"""
INPUTS = """\
inputs:
  id: {type: text, label: 编号, max_length: 10}
  amount: {type: number, label: 金额, min: 0}
  flag: {type: boolean, label: 标志}
  kind: {type: enum, label: 类型, values: {a: 甲类, b: 乙类}}
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + INPUTS + textwrap.dedent(body), encoding="utf-8")
    return path


def issues(path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(RuleDefinitionError) as caught:
        TableRuleSet.load(path)
    return [(i.line, i.reason, i.message) for i in caught.value.issues]


def test_a_condition_on_an_undeclared_input_names_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: collect
        rules:
          - code: r1
            label: 规则一
            when: {amout: {min: 5}}
        outputs:
          hits: {label: 命中, rule_codes: true, aggregate: list}
        """,
    )
    [(line, reason, message)] = issues(path)
    assert (line, reason) == (15, "undeclared_input") and "'amout'" in message


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("{flag: {min: 3}}", "wrong_type"),
        ("{amount: true}", "wrong_type"),
        ("{kind: c}", "unknown_value"),
        ("{amount: {blank: true}}", "never_holds"),
        ("{amount: {min: 5, max: 4}}", "never_holds"),
    ],
)
def test_conditions_of_the_wrong_type_are_refused(tmp_path: Path, when: str, reason: str) -> None:
    path = write(
        tmp_path,
        f"""\
        hit_policy: collect
        rules:
          - code: r1
            label: 规则一
            when: {when}
        outputs:
          hits: {{label: 命中, rule_codes: true, aggregate: list}}
        """,
    )
    assert [(line, r) for line, r, _ in issues(path)] == [(15, reason)]


def test_overlapping_rules_under_unique_are_found_with_an_example(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: unique
        rules:
          - {code: low, label: 低, when: {amount: {max: 100}}, then: {level: low}}
          - {code: high, label: 高, when: {amount: {min: 100}}, then: {level: high}}
        outputs:
          level: {label: 级别, values: {low: 低级, high: 高级}}
        """,
    )
    [(line, reason, message)] = issues(path)
    assert (line, reason) == (14, "overlap")  # the later rule of the pair
    assert "'low' and 'high' both hold for amount=100" in message


def test_a_gap_in_a_complete_table_is_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: unique
        complete: true
        rules:
          - {code: low, label: 低, when: {amount: {below: 100}}, then: {level: low}}
          - {code: high, label: 高, when: {amount: {above: 100}}, then: {level: high}}
        outputs:
          level: {label: 级别, values: {low: 低级, high: 高级}}
        """,
    )
    [(line, reason, message)] = issues(path)
    assert (line, reason) == (12, "gap") and "amount=100" in message


def test_a_gap_over_two_inputs_is_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: first
        complete: true
        rules:
          - {code: r1, label: 甲类, when: {kind: a}, then: {level: x}}
          - {code: r2, label: 有标志, when: {flag: true}, then: {level: y}}
        outputs:
          level: {label: 级别}
        """,
    )
    [(_, reason, message)] = issues(path)
    assert reason == "gap" and "flag=false, kind=b" in message


def test_a_rule_that_can_never_fire_under_first_is_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: first
        rules:
          - {code: big, label: 大, when: {amount: {min: 10}}, then: {level: a}}
          - {code: bigger, label: 更大, when: {amount: {min: 20}, flag: true}, then: {level: b}}
          - {code: rest, label: 其他, then: {level: c}}
        outputs:
          level: {label: 级别}
        """,
    )
    [(line, reason, message)] = issues(path)
    assert (line, reason) == (14, "unreachable") and "'bigger'" in message


def test_duplicate_codes_and_labels_reading_as_another_code(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: collect
        rules:
          - {code: r1, label: 规则一, when: {flag: true}}
          - {code: r1, label: 规则二, when: {flag: false}}
          - {code: r3, label: r1, when: {kind: a}}
        outputs:
          hits: {label: 命中, rule_codes: true, aggregate: list}
        """,
    )
    reasons = sorted(r for _, r, _ in issues(path))
    assert reasons == ["ambiguous_label", "duplicate_code"]


def test_unknown_keys_and_bad_types_in_the_file_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        hit_policy: sometimes
        rules:
          - {code: r1, label: 规则一, when: {flag: true}, colour: red}
        outputs:
          hits: {label: 命中, rule_codes: true, aggregate: list}
        """,
    )
    reasons = sorted(r for _, r, _ in issues(path))
    assert reasons == ["literal_error", "unknown_key"]


def test_the_default_tables_are_valid_and_rules_check_lists_them() -> None:
    result = run_cli("rules", "check")
    assert result.returncode == 0, result.stderr
    for code in ("project_class", "key_project", "price_review"):
        assert f"tables/{code}.yaml" in result.stdout and f"{code}（" in result.stdout
    assert "全部规则文件有效" in result.stdout


def test_rules_check_fails_on_a_broken_table_with_file_and_line(rules_copy: Path) -> None:
    path = rules_copy / "tables" / "price_review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{above: 100000}", "{above: 99999}"), encoding="utf-8")
    result = run_cli("rules", "check", "--rules", rules_copy)
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "both hold" in result.stderr
    with pytest.raises(RuleDefinitionError):
        load_rulesets(rules_copy)


NEW_TABLE = """\
# A table added by an analyst: who signs a purchase order. No Python.
name: po_signer
version: "1"
code: po_signer
label: 采购订单签批
id_field: po_id
hit_policy: first
complete: true
inputs:
  po_id: {type: text, label: 订单编号, max_length: 32}
  amount_rmb: {type: number, label: 金额(元), min: 0}
  urgent: {type: boolean, label: 加急, required: false, default: false}
  region: {type: enum, label: 区域, values: {north: 北方, south: 南方}}
rules:
  - {code: urgent, label: 加急订单, when: {urgent: true}, then: {signer: gm, points: 3}}
  - {code: large, label: 大额订单, when: {amount_rmb: {above: 200000}}, then: {signer: vp, points: 2}}
  - {code: normal, label: 普通订单, then: {signer: manager, points: 1}}
outputs:
  signer: {label: 签批人, type: enum, values: {gm: 总经理, vp: 副总, manager: 部门经理}}
  points: {label: 分值, type: number}
derived:
  notify:
    label: 通知
    type: enum
    policy: collect
    values: {finance: 财务部, logistics: 物流部}
    rules:
      - {when: {signer: [gm, vp]}, value: finance}
      - {when: {region: south}, value: logistics}
"""


def test_a_new_table_is_a_new_file_through_cli_and_api(rules_copy: Path, tmp_path: Path) -> None:
    (rules_copy / "tables" / "po_signer.yaml").write_text(NEW_TABLE, encoding="utf-8")
    listing = run_cli("tables", "--rules", rules_copy)
    assert listing.returncode == 0 and "po_signer" in listing.stdout and "采购订单签批" in listing.stdout
    source = tmp_path / "po.jsonl"
    records = [
        {"po_id": "A", "amount_rmb": "300,000", "region": "南方"},
        {"po_id": "B", "amount_rmb": 10, "region": "north", "urgent": "是"},
        {"po_id": "C", "amount_rmb": 10, "region": "west"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = run_cli("decide", "po_signer", source, "--rules", rules_copy)
    assert result.returncode == 3, result.stderr
    a, b, c = (json.loads(line) for line in result.stdout.splitlines())
    assert a["outputs"] == {
        "signer": "vp", "signer_label": "副总", "points": 2,
        "notify": ["finance", "logistics"], "notify_label": ["财务部", "物流部"],
    }  # fmt: skip
    assert b["outputs"]["signer"] == "gm" and b["outputs"]["notify"] == ["finance"]
    assert c["error"]["errors"][0]["field"] == "region" and "north (北方)" in c["error"]["errors"][0]["accepted"]
    with LiveServer(Settings(db_path=tmp_path / "d.db", reload_poll_s=0, rules_dir=rules_copy)) as live:
        response = httpx.post(
            f"{live.url}/v1/decide/po_signer", json=records[0], headers=auth(live.keys["system"]), timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.json()["outputs"]["signer_label"] == "副总"


def test_a_table_added_while_serving_is_picked_up_by_reload(rules_copy: Path, tmp_path: Path) -> None:
    with LiveServer(Settings(db_path=tmp_path / "d.db", reload_poll_s=0, rules_dir=rules_copy)) as live:
        headers = auth(live.keys["system"])
        record = {"po_id": "A", "amount_rmb": 1, "region": "north"}
        assert httpx.post(f"{live.url}/v1/decide/po_signer", json=record, headers=headers).status_code == 404
        (rules_copy / "tables" / "po_signer.yaml").write_text(NEW_TABLE, encoding="utf-8")
        outcome = live.service.rules.reload(only_if_changed=True)
        assert outcome.changed
        response = httpx.post(f"{live.url}/v1/decide/po_signer", json=record, headers=headers)
        assert response.status_code == 200 and response.json()["outputs"]["signer"] == "manager"


def test_the_shipped_tables_are_package_data() -> None:
    shipped = sorted(p.name for p in (RULES / "tables").glob("*.yaml"))
    assert shipped == ["key_project.yaml", "price_review.yaml", "project_class.yaml"]


def test_the_openapi_document_survives_a_table_that_refuses_its_generated_example(
    rules_copy: Path, tmp_path: Path
) -> None:
    """The document shows each table's example answer; a table refusing the generated record loses only that."""
    tight = (rules_copy / "tables" / "price_review.yaml").read_text(encoding="utf-8")
    tight = tight.replace("name: price_review", "name: quote_mark").replace("code: price_review", "code: quote_mark")
    tight = tight.replace(
        "  quote_rmb: {type: number, label: 报价金额(元), min: 0}",
        "  quote_rmb: {type: number, label: 报价金额(元), min: 0}\n  mark: {type: text, label: 标记, max_length: 1}",
    )
    (rules_copy / "tables" / "quote_mark.yaml").write_text(tight, encoding="utf-8")
    assert run_cli("rules", "check", "--rules", rules_copy).returncode == 0
    with LiveServer(Settings(db_path=tmp_path / "d.db", reload_poll_s=0, rules_dir=rules_copy)) as live:
        document = httpx.get(f"{live.url}/openapi.json", timeout=30)
        assert document.status_code == 200, document.text[:300]
        shown = document.json()["paths"]["/v1/decide/{table}"]["post"]["responses"]["200"]["content"]
        examples = shown["application/json"]["examples"]
        assert "price_review" in examples and "quote_mark" not in examples
        assert "DecideQuoteMarkIn" in document.json()["components"]["schemas"]
