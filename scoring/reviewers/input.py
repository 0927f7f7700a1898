"""One review request (an order or a contract) → a validated `ReviewRequest`,
or every problem with it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradegate.scoring import errors as E
from gradegate.scoring.errors import FieldIssue, InputError
from gradegate.scoring.reviewers.model import FLAGS, ReviewerRules
from gradegate.scoring.values import (
    EnumVocabulary,
    Issues,
    is_blank,
    parse_codes,
    parse_number,
    parse_text,
    require_object,
)
from gradegate.scoring.vocabulary import ID_MAX_LENGTH, MAX_AMOUNT, NAME_MAX_LENGTH

FIELDS = (
    "kind",
    "id",
    "contract_id",
    "contract_type",
    "amount_rmb",
    "clauses",
    "submitter",
    "region",
    "product_lines",
    *FLAGS,
)
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class ReviewRequest:
    kind: str
    id: str
    contract_id: str | None
    contract_type: str | None  # contracts only
    amount_rmb: float
    clauses: frozenset[str]
    submitter: str
    region: str | None
    product_lines: frozenset[str]
    flags: dict[str, bool]


class ReviewRequestParser:
    def __init__(self, rules: ReviewerRules):
        self.rules = rules
        self.kind = EnumVocabulary("kind", {k: v.label for k, v in rules.kinds.items()})
        self.clause = EnumVocabulary("clauses", {k: v.label for k, v in rules.clauses.items()})
        self.contract_type = EnumVocabulary("contract_type", {k: v.label for k, v in rules.contract_types.items()})

    def parse(self, record: Any) -> ReviewRequest:
        record = require_object(record)
        issues = Issues()
        take = issues.take
        issues.unknown_fields(record, FIELDS)
        kind = take(self.kind.parse(record.get("kind")))
        doc_id = take(parse_text(record.get("id"), "id", required=True, max_length=ID_MAX_LENGTH))
        contract_id = take(
            parse_text(record.get("contract_id"), "contract_id", required=False, max_length=ID_MAX_LENGTH)
        )
        given_type = record.get("contract_type")
        contract_type = None
        if kind == "order":
            if contract_id is None and not any(i.field == "contract_id" for i in issues):
                issues.append(
                    FieldIssue(
                        "contract_id",
                        record.get("contract_id"),
                        E.MISSING,
                        "contract_id is required for an order: the reviewed contract the order belongs to",
                        "non-empty text",
                    )
                )
            if not is_blank(given_type):
                issues.append(_only_for("contract_type", given_type, "contracts", "an order follows its contract"))
        elif kind == "contract":
            if contract_id is not None:
                issues.append(_only_for("contract_id", contract_id, "orders", "a contract is reviewed on its own"))
            contract_type = (
                self.rules.default_contract_type if is_blank(given_type) else take(self.contract_type.parse(given_type))
            )
        amount = take(parse_number(record.get("amount_rmb"), "amount_rmb", minimum=0, maximum=MAX_AMOUNT))
        clauses = self._clauses(record.get("clauses"), issues)
        submitter = take(parse_text(record.get("submitter"), "submitter", required=True, max_length=ID_MAX_LENGTH))
        region = take(parse_text(record.get("region"), "region", required=False, max_length=NAME_MAX_LENGTH))
        lines = self._product_lines(record.get("product_lines"), issues)
        flags = {}
        for name in FLAGS:
            value = record.get(name)
            if value is not None and not isinstance(value, bool):
                issues.append(
                    FieldIssue(
                        name, value, E.WRONG_TYPE, f"{name}: {E.show_value(value)} is not true or false", "true, false"
                    )
                )
            flags[name] = bool(value)
        if issues:
            raise InputError(issues)
        return ReviewRequest(kind, doc_id, contract_id, contract_type, amount, clauses, submitter, region, lines, flags)

    def _clauses(self, given: Any, issues: list[FieldIssue]) -> frozenset[str]:
        if not isinstance(given, list) or not given:
            reason = E.MISSING if given is None or given == [] else E.WRONG_TYPE
            issues.append(
                FieldIssue(
                    "clauses",
                    given,
                    reason,
                    f"clauses must be a list of at least one clause code: {self.clause.accepted}",
                    self.clause.accepted,
                )
            )
            return frozenset()
        return parse_codes(self.clause, given, "clauses", issues)

    def _product_lines(self, given: Any, issues: list[FieldIssue]) -> frozenset[str]:
        if given is None:
            return frozenset()
        if not isinstance(given, list):
            issues.append(
                FieldIssue(
                    "product_lines", given, E.WRONG_TYPE, "product_lines must be a list of names", "list of text"
                )
            )
            return frozenset()
        out = set()
        for i, value in enumerate(given):
            text = parse_text(value, f"product_lines[{i}]", required=True, max_length=NAME_MAX_LENGTH)
            if isinstance(text, FieldIssue):
                issues.append(text)
            elif text is not None:
                out.add(text)
        return frozenset(out)


def _only_for(field: str, value: Any, kinds: str, why: str) -> FieldIssue:
    return FieldIssue(
        field, value, NOT_APPLICABLE, f"{field} applies to {kinds} only ({why}); leave it out", f"only for {kinds}"
    )
