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
import pyarrow as pa
import pyarrow.compute as pc

from gradegate.scoring.values import FOLD, NUMBER_PATTERN, SPELLED_PATTERN, UNITS


def bool_mask(values: pd.Series) -> np.ndarray:
    """A boolean Series (Arrow-backed, may hold NA) as a writable numpy mask, NA as False."""
    return values.to_numpy(dtype=bool, na_value=False).copy()


def arrow_text(values: pd.Series) -> pa.Array:
    """A text Series' cells as one Arrow string array (no copy for pandas' Arrow-backed "str"), NA as null."""
    return pa.array(values.array, type=pa.string(), from_pandas=True)


def text_numbers(stripped: pd.Series, integer: bool, unit_exponent: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stripped text cells → (float64 numbers, which cells were well formed); range checks are the caller's.

    `unit_exponent`: the column's header carried a unit (`(万元)` → 4), so plain numbers scale too.
    """
    # Straight on the Arrow cells: pandas' where/astype on Arrow strings detour through Python objects.
    text = arrow_text(stripped)
    if unit_exponent == 0:
        shaped = pc.fill_null(pc.match_substring_regex(text, f"^(?:{NUMBER_PATTERN})$"), False)
    else:
        shaped = pa.array(np.zeros(len(text), dtype=bool))
    plain = pc.replace_substring(pc.if_else(shaped, text, pa.scalar(None, pa.string())), ",", "")
    # Copies: Arrow's zero-copy views are read-only, and the spellings below are written in.
    numbers = pc.cast(plain, pa.float64()).to_numpy(zero_copy_only=False).copy()
    well_formed = shaped.to_numpy(zero_copy_only=False).copy()
    rest = np.flatnonzero(~well_formed & pc.is_valid(text).to_numpy(zero_copy_only=False))
    if len(rest):  # people's spellings: the slower path, for those cells only
        spelled, ok_spelled = _spelled_numbers(stripped.iloc[rest], integer, unit_exponent)
        numbers[rest] = spelled
        well_formed[rest] = ok_spelled
    return numbers, well_formed


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
