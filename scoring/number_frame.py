"""Numbers read column-wise, exactly as `scoring.values.parse_number` reads one cell.

The batch paths of every decision (grading, decision tables) read their number
columns here, so a spelling accepted on the single path is accepted on the batch
path and nowhere else: plain numbers (`12,000,000`) through one Arrow regex, and
only the cells that are not plain (people's spellings: `1200万`, full-width
digits, `12，000`) through the folded pattern.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gradegate.scoring.values import FOLD, NUMBER_PATTERN, SPELLED_PATTERN, UNITS


def bool_mask(values: pd.Series) -> np.ndarray:
    """A boolean Series (Arrow-backed, may hold NA) as a writable numpy mask, NA as False."""
    return values.to_numpy(dtype=bool, na_value=False).copy()


def text_numbers(stripped: pd.Series, integer: bool, unit_exponent: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stripped text cells → (float64 numbers, which cells were well formed); range checks are the caller's.

    `unit_exponent`: the column's header carried a unit (`(万元)` → 4), so plain numbers scale too.
    """
    shaped = bool_mask(stripped.str.fullmatch(NUMBER_PATTERN)) if unit_exponent == 0 else np.zeros(len(stripped), bool)
    numbers = stripped.where(shaped).str.replace(",", "", regex=False).astype("float64").to_numpy()
    rest = np.flatnonzero(~shaped & ~stripped.isna().to_numpy())
    if len(rest):  # people's spellings: the slower path, for those cells only
        spelled, ok_spelled = _spelled_numbers(stripped.iloc[rest], integer, unit_exponent)
        numbers = numbers.copy()
        numbers[rest] = spelled
        shaped[rest] = ok_spelled
    return numbers, shaped


def _spelled_numbers(text: pd.Series, integer: bool, unit_exponent: int) -> tuple[np.ndarray, np.ndarray]:
    """parse_number's folded branch, column-wise: (numbers, which cells were well formed)."""
    parts = text.str.translate(FOLD).str.extract("^" + SPELLED_PATTERN + "$")
    unit = parts["unit"]
    ok = parts["mantissa"].notna().to_numpy().copy()
    if integer:
        ok &= unit.isna().to_numpy()
    exponent = unit.map(UNITS).fillna(unit_exponent).astype("int64") + parts["exponent"].fillna("0").astype("int64")
    mantissa = parts["mantissa"].str.replace(",", "", regex=False)
    spelled = (mantissa + "e" + exponent.astype("str")).where(pd.Series(ok, index=text.index))
    return spelled.astype("float64").to_numpy(), ok
