"""Presentation layer: the trend chapter's small words: months, doubling times, BIC evidence.

Shared by its sentences and its tables: a date as a month (:func:`month_text`), a doubling time
in days with its interval (:func:`days_phrase`), whether a row has a usable doubling time
(:func:`usable_days`) and how many models its line goes through (:func:`n_models`), and the
strength of a BIC difference in words (:func:`bic_words`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.trend_checks.lines import day_to_year
from horizonlib.common.text import NOT_AVAILABLE, month_of, phrase


def month_text(value) -> str:
    """Month and year of a day number since 1970-01-01, a decimal year or an ISO date
    (``"July 2029"``; values below 3000 are years, larger ones day numbers); "n/a" when not
    finite."""
    if isinstance(value, str):
        if value in ("", "n/a"):
            return "n/a"
        return pd.Timestamp(value).strftime("%B %Y")
    if value is None or not np.isfinite(value):
        return "n/a"
    return month_of(value if abs(value) < 3000 else day_to_year(value))


def days_phrase(row, level: str) -> str:
    if row is None:
        return NOT_AVAILABLE
    return phrase(row["doubling_days"], row["ci_low_days"], row["ci_high_days"], unit="days",
                  digits=0, level=level)


def bic_words(delta_bic: float) -> str:
    """Kass and Raftery's reading of a BIC difference (single minus broken line)."""
    if not np.isfinite(delta_bic):
        return "cannot be judged"
    if delta_bic <= 0:
        return "favours the single line"
    if delta_bic < 2:
        return "is barely worth mentioning (below 2)"
    if delta_bic < 6:
        return "is only weak evidence for a break (positive but below 6, the usual bar for strong)"
    if delta_bic < 10:
        return "is strong evidence for a break (6 to 10)"
    return "is very strong evidence for a break (above 10)"


def usable_days(row) -> bool:
    """A doubling-time row with a finite, positive estimate."""
    return (row is not None and np.isfinite(float(row["doubling_days"]))
            and float(row["doubling_days"]) > 0)


def n_models(row) -> int:
    return 0 if row is None else len([m for m in str(row["models"]).split(";") if m])
