"""Presentation layer: the breakdowns chapter's words for horizons, intervals, subsets and absent
models.

Horizons (minutes, hours or days) and RE-Bench means as text with units and confidence
intervals (:func:`format_minutes`, :func:`format_interval`, :func:`subset_text`), a model's
RE-Bench rank (:func:`rebench_rank_text`), and notes on the models a question names that the
runs do not hold (:func:`missing_note`, :func:`missing_models_note`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.selection import ALL_TASKS, missing_models


def missing_note(wanted: Sequence[str], runs: pd.DataFrame, datasets: Sequence[str], what: str) -> str:
    """A markdown note naming the models of ``wanted`` absent from ``runs`` ('' if none is).

    Parameters
    ----------
    wanted : display names the chapter's question is about.
    runs : the table searched.
    datasets : names of the configured datasets (quoted in the note).
    what : what the data would have been used for (e.g. "RE-Bench scores").
    """
    missing = missing_models(wanted, runs)
    if not missing:
        return ""
    names = ", ".join(f"**{m}**" for m in missing)
    verb = "is" if len(missing) == 1 else "are"
    return (f"**Note.** {names} {verb} not in the configured run data "
            f"({', '.join(map(str, datasets))}), so this page has no {what} for "
            f"{'it' if len(missing) == 1 else 'them'}; every statement about "
            f"{'it' if len(missing) == 1 else 'them'} below is absent, not zero.")


def format_minutes(value: float) -> str:
    """Minutes as readable text: ``"4.5 min"``, ``"45 min"``, ``"2.3 h"``; ``"n/a"`` for NaN."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if value < 10:
        return f"{value:.1f} min"
    return f"{value:.0f} min" if value < 90 else f"{value / 60:.1f} h"


def _minutes_in_unit(value: float, unit: str) -> str:
    """A number of minutes expressed in ``unit`` ("min" or "h"), without the unit."""
    if unit == "h":
        return f"{value / 60:.1f}"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def format_interval(est: float, lo: float, hi: float, fmt=None, level: str = "95% CI") -> str:
    """``"2.0 h (95% CI 1.3 to 3.4 h)"``: estimate and interval in one unit (CI omitted when NaN).

    Parameters
    ----------
    est, lo, hi : minutes (or, with ``fmt``, any quantity ``fmt`` formats).
    fmt : optional formatter of one number (default: minutes, in the unit the estimate reads
        best in, minutes below 90 min and hours above).
    level : name of the interval.
    """
    if est is None or not np.isfinite(est):
        return "n/a"
    has_ci = lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi)
    if fmt is not None:
        return f"{fmt(est)} ({level} {fmt(lo)} to {fmt(hi)})" if has_ci else fmt(est)
    if not has_ci:
        return format_minutes(est)
    unit = "min" if est < 90 else "h"
    return (f"{_minutes_in_unit(est, unit)} {unit} ({level} {_minutes_in_unit(lo, unit)} to "
            f"{_minutes_in_unit(hi, unit)} {unit})")


def score_text(v: float) -> str:
    return f"{v:.2f}"


#: Short marks of the compact subset-fit table (explained in a footnote under it).
NOT_IDENTIFIED = "n/i"
NO_FIT = "no fit"
NOT_RUN = "—"


def subset_text(row, short: bool = False) -> str:
    """One subset fit as text: the horizon with CI, or why there is none.

    With ``short``, an unidentified fit is ``"n/i"`` and a degenerate one ``"no fit"``;
    otherwise the reason is spelled out with the numbers.
    """
    if row["status"] == "ok":
        return format_interval(row["p50_min"], row["ci_low_min"], row["ci_high_min"])
    if row["status"] == "unidentified":
        if short:
            return NOT_IDENTIFIED
        return (f"unidentified: tasks span {row['log2_spread']:.2f} log2 min "
                f"({row['min_minutes']:.0f} to {row['max_minutes']:.0f} min); weighted success "
                f"{row['weighted_success_rate']:.0%}")
    if short:
        return NO_FIT
    return f"no fit ({row['status'].replace('_', ' ')})"


def pick_text(table: pd.DataFrame, model: str, column: str, missing: str = "not available") -> str:
    """The cell ``column`` of the first row of ``model`` in a text table (``missing`` if none)."""
    sel = table[table["model"] == model]
    return str(sel[column].iloc[0]) if len(sel) else missing


def rebench_rank_text(means: pd.DataFrame, model: str) -> str:
    """Where ``model`` ranks by all-task RE-Bench mean within each of its task sets, as text.

    E.g. ``"2nd of 18 in th-1-1-rebench (5 RE-Bench tasks)"``; ``"not available"`` when absent.
    """
    full = means[means["variant"] == ALL_TASKS]
    rank = full.groupby("task_set")["mean_score"].rank(ascending=False, method="min")
    size = full.groupby("task_set")["alias"].transform("size")
    sel = full.assign(rank_=rank, n_=size)
    sel = sel[sel["display_name"] == model]
    if sel.empty:
        return "not available"

    def ordinal(k: int) -> str:
        suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
        return f"{k}{suffix}"

    return "; ".join(f"{ordinal(int(r.rank_))} of {int(r.n_)} in {r.task_set}"
                     for r in sel.sort_values("task_set").itertuples(index=False))


def missing_models_note(models: Sequence[str], rebench_runs: pd.DataFrame,
                        rebench_datasets: Sequence[str], runs: pd.DataFrame,
                        datasets: Sequence[str]) -> str:
    """One plain-text note on the question models absent from the configured data.

    A model missing from both tables is named once ("no RE-Bench scores and no horizon fits");
    one missing from only one table is named with what is missing.
    """
    no_rb = set(missing_models(models, rebench_runs))
    no_fit = set(missing_models(models, runs))
    parts = []
    both = [m for m in models if m in no_rb and m in no_fit]
    if both:
        parts.append(f"{', '.join(both)}: not in the configured run files "
                     f"({', '.join(dict.fromkeys(list(rebench_datasets) + list(datasets)))}), so "
                     "this page has no RE-Bench scores and no horizon fits for "
                     f"{'it' if len(both) == 1 else 'them'}.")
    only_rb = [m for m in models if m in no_rb and m not in no_fit]
    if only_rb:
        parts.append(f"{', '.join(only_rb)}: no RE-Bench runs in {', '.join(rebench_datasets)}.")
    only_fit = [m for m in models if m in no_fit and m not in no_rb]
    if only_fit:
        parts.append(f"{', '.join(only_fit)}: no run-level data for a fit in "
                     f"{', '.join(datasets)}.")
    if not parts:
        return "Every model the questions are about is in the configured run files."
    n = len(set(no_rb) | set(no_fit))
    return " ".join(parts) + (" Statements about this model below are absent, not zero." if n == 1
                              else " Statements about these models below are absent, not zero.")
