"""The answers page's question 5: the doubling time with and without the focus models.

Presentation layer: doubling times, distance from the trend, the evidence for a break and the
date of a work-month horizon, from the ``trend``, ``trend_checks`` and ``ablations`` results files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, format_number, month_of, phrase
from horizonlib.data.runs import display_name
from horizonlib.report.answers_lookup import estimate_of, rows_of


def trend_sources(trend: pd.DataFrame, focus: str, window: str) -> dict:
    """Which p50s the trend answers rest on, and our run-level doubling time beside them.

    ``trend.csv`` holds frontier doubling times from METR's published fits (``published``) and
    from our fits of each run file (``fitted``); the run-level one shown is the fit whose models
    include ``focus``.
    """
    rows = trend[(trend["window_start"].astype(str) == window)
                 & (trend["selection"] == "frontier")] if not trend.empty else trend
    published = rows[rows["source"] == "published"] if not rows.empty else rows
    out = {"trend_source": ("METR's published fits" if not published.empty
                            else "our fits of the run files")}
    fitted = rows[rows["source"] == "fitted"] if not rows.empty else rows
    if not fitted.empty:
        has_focus = fitted["aliases"].map(
            lambda aliases: focus in [display_name(m) for m in str(aliases).split(";")])
        fitted = fitted[has_focus] if has_focus.any() else fitted.iloc[:0]
    out["trend_fitted"] = (NOT_AVAILABLE if fitted.empty else phrase(
        *fitted[["doubling_days", "ci_low_days", "ci_high_days"]].iloc[0].astype(float),
        unit="days", digits=0))
    # Only worth a sentence when the headline rests on METR's published fits.
    out["trend_fitted_sentence"] = (
        f"Our own fits of the run data that include {focus} give {out['trend_fitted']}, on "
        "another set of models and task suite (see the fit chapter)."
        if not published.empty and not fitted.empty else "")
    return out


def bic_sentence(delta_bic: float) -> str:
    """Words for BIC(single line) − BIC(one break): positive favours the break."""
    if not np.isfinite(delta_bic):
        return "Whether a break fits better cannot be judged with these data."
    if delta_bic <= 0:
        return (f"A single line fits at least as well as a line with one break (BIC difference "
                f"{format_number(delta_bic, 1)}): no evidence for a break.")
    strength = "strong" if delta_bic > 6 else "weak"
    return (f"A line with one break fits better than a single line by a BIC difference of "
            f"{format_number(delta_bic, 1)}, which is {strength} evidence for a break (strong above "
            f"about 6).")


def trend_answers(ablations: pd.DataFrame, trend: pd.DataFrame, checks: pd.DataFrame,
                  focus: str, window: str) -> dict:
    """Question 5: doubling times with and without the focus models, distance, break, date.

    The trend chapter's rows of ``trend.csv`` are those of the horizons its checks used: the
    ``source`` and ``dataset`` of ``trend_checks.csv``.
    """
    w = f"from_{window}"
    checks = checks[checks["window_start"].astype(str) == window]
    if not checks.empty:
        source, dataset = checks[["source", "dataset"]].iloc[0]
        trend = trend[(trend["source"] == source) & (trend["dataset"] == dataset)
                      & (trend["window_start"].astype(str) == window)]
    else:
        trend = trend.iloc[:0]

    def doubling(selection):
        rows = trend[trend["selection"] == selection]
        return (estimate_of(rows.rename(columns={"doubling_days": "estimate",
                                                 "ci_low_days": "ci_low",
                                                 "ci_high_days": "ci_high"})))

    def check(line, metric):
        return estimate_of(checks[(checks["line"] == line) & (checks["metric"] == metric)])

    month = check("frontier", "year_reaching_work_month")
    delta_bic = check("frontier", "delta_bic_single_minus_broken")[0]
    p_value = estimate_of(rows_of(ablations, "trend", "p_value_above_trend", w, focus))[0]
    return {
        "trend_window": window,
        "trend_all": phrase(*doubling("frontier"), unit="days", digits=0),
        "trend_without": phrase(*doubling("frontier_excl_focus"), unit="days", digits=0),
        "trend_distance": phrase(
            *estimate_of(rows_of(ablations, "trend", "ratio_to_trend", w, focus)), digits=2),
        "trend_p": NOT_AVAILABLE if not np.isfinite(p_value) else f"{p_value:.3f}",
        "trend_bic": NOT_AVAILABLE if not np.isfinite(delta_bic) else format_number(delta_bic, 1),
        "trend_bic_sentence": bic_sentence(delta_bic),
        "trend_month": (NOT_AVAILABLE if not np.isfinite(month[0]) else month_of(month[0]) + (
            f" (95% CI {month_of(month[1])} to {month_of(month[2])})"
            if np.isfinite(month[1]) and np.isfinite(month[2]) else "")),
    }
