"""Presentation layer: the trend chapter's display tables.

Doubling times by window and selection (:func:`doubling_display`, days with intervals), each
focus model's distance from the trend (:func:`distance_display`, observed / predicted horizon),
and the date each fit reaches a work month (:func:`month_display`).
"""

from __future__ import annotations

import pandas as pd

from horizonlib.common.text import phrase
from horizonlib.report.trend.wording import days_phrase, month_text, n_models, usable_days


SELECTION_LABELS = {"frontier": "frontier models",
                    "frontier_excl_focus": "frontier models without the models of interest",
                    "broken_before": "broken line, before the break",
                    "broken_after": "broken line, after the break",
                    "broken_line": "broken line"}


def doubling_display(doubling: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The doubling-time table as text: window, fit, number of models, days with CI."""
    level = f"{100 * confidence_level:.0f}% CI"
    return pd.DataFrame({
        "since": [str(w)[:4] for w in doubling["window_start"]],
        "fit": doubling["selection"].map(lambda s: SELECTION_LABELS.get(s, s)),
        "models": [len([m for m in str(v).split(";") if m]) for v in doubling["models"]],
        f"doubling time ({level})": [
            days_phrase(r, level) if usable_days(r) else
            ("too few models for a line" if n_models(r) < 2 else "no rising line")
            for _, r in doubling.iterrows()],
    })


def distance_display(distance: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The distance-from-trend table as text."""
    level = f"{100 * confidence_level:.0f}% CI"
    return pd.DataFrame({
        "model": distance["model"],
        f"horizon / trend ({level})": [phrase(r.ratio, r.ci_low, r.ci_high, digits=2,
                                              level=level) for r in distance.itertuples()],
        "doublings above the line": [f"{v:.2f}" for v in distance["log2_distance"]],
        "trend's horizon at its release": [f"{v:,.1f} min" for v in distance["predicted_min"]],
        "replicates at or below the line": [f"{100 * r.p_value:.1f}% of {r.n_replicates:,}"
                                            for r in distance.itertuples()],
    })


def month_display(month: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """When each fit reaches one work month, as month and year with the interval."""
    level = f"{100 * confidence_level:.0f}% CI"
    cols = ["since", "fit", "reaches one work month", level, "replicates never reaching it"]
    if month.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "since": [str(w)[:4] for w in month["window_start"]],
        "fit": month["fit"].map(lambda s: SELECTION_LABELS.get(s, s)),
        "reaches one work month": [month_text(v) for v in month["year"]],
        level: [f"{month_text(a)} to {month_text(b)}"
                for a, b in zip(month["ci_low_year"], month["ci_high_year"])],
        "replicates never reaching it": [f"{int(v):,}" for v in month["never_reached"]],
    }, columns=cols)
