"""Words for generated prose (bottom layer): lists, counts with their noun, dataset names.

The chapters' sentences are built from computed values; these helpers keep them grammatical
whatever the edition holds (one model or several, none at all).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: What a sentence says in place of a number the configured data cannot provide.
NOT_AVAILABLE = "not available in this edition's data"

#: Readable names of the run files (datasets) used in the book's prose and tables.
DATASET_LABELS = {
    "th-1-1-8-models": "Time Horizon 1.1",
    "th-1-1-rebench": "Time Horizon 1.1 (RE-Bench runs)",
    "th-1-1": "Time Horizon 1.1",
    "th-1-0": "Time Horizon 1.0",
    "paper-2025-03": "the March 2025 paper's runs",
    "pre-paper-2025-01": "the January 2025 pre-paper runs",
    "synthetic": "the synthetic runs",
}


def dataset_label(name: str) -> str:
    """Readable name of a run file (``"th-1-1-8-models"`` -> ``"Time Horizon 1.1"``)."""
    return DATASET_LABELS.get(str(name), str(name))


def english_list(items: Sequence[str], empty: str = "none") -> str:
    """``["a"]`` -> ``"a"``; ``["a", "b"]`` -> ``"a and b"``; ``["a", "b", "c"]`` -> ``"a, b and
    c"``; no items -> ``empty``."""
    items = [str(i) for i in items if str(i)]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 run"``, ``"3 runs"`` (count with the noun in the right number)."""
    word = singular if int(n) == 1 else (plural_form or singular + "s")
    return f"{int(n):,} {word}"


def format_number(value: float, digits: int) -> str:
    """``value`` with thousands separators and a true minus sign (``"−0.34"``)."""
    return f"{value:,.{digits}f}".replace("-", "−")


def format_signed(value: float, digits: int) -> str:
    """``value`` with an explicit sign, a true minus: ``"+1.2"``, ``"−4.6"``, ``"0.0"``."""
    text = format_number(value, digits)
    return "+" + text if np.isfinite(value) and round(value, digits) > 0 else text


def phrase(estimate: float, low: float = np.nan, high: float = np.nan, unit: str = "",
           digits: int = 1, level: str = "95% CI") -> str:
    """``"120.7 min (95% CI 76.0 to 201.3)"``; without an interval, just the estimate."""
    if estimate is None or not np.isfinite(estimate):
        return NOT_AVAILABLE
    unit = f" {unit}" if unit else ""
    text = f"{format_number(estimate, digits)}{unit}"
    if np.isfinite(low) and np.isfinite(high):
        text += f" ({level} {format_number(low, digits)} to {format_number(high, digits)})"
    return text


def month_of(year: float) -> str:
    """A decimal year as month and year: ``2029.56`` -> ``"July 2029"``."""
    start = pd.Timestamp(year=int(np.floor(year)), month=1, day=1)
    return (start + pd.Timedelta(days=(year - np.floor(year)) * 365.25)).strftime("%B %Y")


def count_of(k: int, n: int, noun: str, plural_form: str | None = None) -> str:
    """``k`` of ``n`` things in words, for any count (no "model(s)", no "0 of the").

    ``count_of(0, 18, "model")`` -> ``"none of the 18 models"``; ``(1, 18)`` -> ``"1 of the 18
    models"``; ``(6, 6)`` -> ``"all 6 models"``; ``(2, 2)`` -> ``"both models"``; ``(1, 1)`` ->
    ``"the one model"``; ``(0, 1)`` -> ``"no model"``; ``(0, 0)`` -> ``"no models"``.
    Use :func:`verb_for` for the verb that follows.
    """
    k, n = int(k), int(n)
    many = plural_form or noun + "s"
    if n == 0:
        return f"no {many}"
    if k == 0:
        return f"no {noun}" if n == 1 else f"none of the {n} {many}"
    if k == n:
        return f"the one {noun}" if n == 1 else (f"both {many}" if n == 2 else f"all {n} {many}")
    return f"{k} of the {n} {many}"


def verb_for(k: int, n: int, singular: str, plural_form: str) -> str:
    """The verb agreeing with :func:`count_of` ``(k, n, ...)`` as subject ("none of the 11
    changes moves", "1 of the 11 changes moves", "3 of the 11 changes move", "all 6 models
    are", "no models are")."""
    k, n = int(k), int(n)
    if n == 0:
        return plural_form
    if k in (0, 1) and not (k == n and n > 1):
        return singular
    return plural_form


def ratio_text(ratio: float, floor: float = 0.01, ceiling: float = 100.0) -> str:
    """A horizon ratio for prose and labels: ``"×1.07"``; beyond ``floor`` or ``ceiling``
    ``"× < 0.01"`` / ``"× > 100"`` (no scientific notation); ``"no finite horizon without it"``
    when the refit has no finite horizon."""
    if ratio is None or not np.isfinite(ratio) or ratio <= 0:
        return "no finite horizon without it"
    if ratio < floor:
        return f"× < {floor:g}"
    if ratio > ceiling:
        return f"× > {ceiling:g}"
    return f"×{ratio:.2f}"
