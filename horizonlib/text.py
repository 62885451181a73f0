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
