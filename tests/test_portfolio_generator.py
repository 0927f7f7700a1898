"""data/make_portfolio.py, the kept generator: it reproduces the committed sample
portfolio, and the sample holds what the README's demo promises."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from tests.helpers import DATA

SAMPLE = DATA / "sample_portfolio.csv"


def generator():
    spec = importlib.util.spec_from_file_location("make_portfolio", DATA / "make_portfolio.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_reproduces_the_committed_sample(tmp_path: Path) -> None:
    target = tmp_path / "sample.csv"
    generator().write_portfolio(target, 1000)
    assert target.read_bytes() == SAMPLE.read_bytes()


def test_sample_contents() -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    assert 1000 <= len(frame) <= 1010
    assert set(frame["stage"]) == {"initiation", "solution", "signing", "delivery_prep", "implementation", "closure"}
    assert frame["override_level"].notna().sum() >= 10
    assert frame["project_name"].str.contains("<").any() and frame["project_name"].str.contains("&").any()
    assert frame["project_id"].duplicated().sum() == 1
    assert sum(c.startswith("deliv_") for c in frame.columns) >= 20
    assert sum(c.startswith("flag_") for c in frame.columns) == 6
    assert frame["passed_gates"].notna().mean() > 0.7


def test_other_sizes(tmp_path: Path) -> None:
    target = tmp_path / "small.csv"
    generator().write_portfolio(target, 50, seed=1)
    frame = pd.read_csv(target, dtype=str)
    assert len(frame) == 50 and frame["project_id"].is_unique
