"""The single-record answer assembled as plain data has exactly the public result's shape."""

from __future__ import annotations

import csv

from gradegate.scoring import GradingResult, InputError
from gradegate.scoring.rulesets import load_rulesets
from tests.helpers import CASES


def test_plain_answer_is_the_validated_result_on_every_public_case() -> None:
    grading = load_rulesets().grading
    with open(CASES / "grading_public_input.csv", encoding="utf-8") as f:
        records = list(csv.DictReader(f))
    checked = 0
    for record in records:
        try:
            data = grading.evaluate(record)
        except InputError:
            continue
        # Validating (not constructing) the model checks every type; dumping must give the same data back.
        assert GradingResult.model_validate(data).model_dump(mode="json") == data
        assert grading.grade(record).model_dump(mode="json") == data
        checked += 1
    with open(CASES / "grading_public_expected.csv", encoding="utf-8") as f:
        assert checked == sum(1 for _ in csv.DictReader(f))  # every graded case, none skipped
