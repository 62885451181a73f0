"""Our bootstrap intervals beside METR's (presentation layer): the table and the paragraph.

Each bound is shown with its Monte Carlo standard error at matching precision (two significant
digits of the error, the bound rounded to the error's last digit) so the ``z`` beside it can be
checked by hand; the paragraph counts the bounds beyond 2 and 3 combined standard errors against
what Monte Carlo noise alone gives (:func:`horizonlib.model.mc_error.noise_tail_counts`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import english_list, plural
from horizonlib.model.mc_error import MC_Z, noise_tail_counts, p_max_beyond
from horizonlib.report.tables import SMALLEST_SHOWN_MIN, format_minutes

#: A bound this many combined standard errors from METR's is called unexplained by Monte Carlo
#: error (noise puts one of 32 bounds there with probability ~8%, one of 32 beyond 3.6 with ~1%).
UNEXPLAINED_Z = 3.0


def bound_with_error(value: float, se: float) -> str:
    """A bound in minutes ± its Monte Carlo standard error: ``"9.23 ± 0.41"``, ``"460 ± 18"``.

    The error keeps two significant digits and the bound is rounded to the same decimal place;
    without a finite error (or below the smallest shown horizon) the bound alone is shown.
    """
    if value is None or not np.isfinite(value):
        return format_minutes(value)
    if se is None or not np.isfinite(se) or se <= 0 or value < SMALLEST_SHOWN_MIN:
        return format_minutes(value)
    decimals = 1 - int(np.floor(np.log10(se)))
    se_shown = round(se, decimals)
    decimals = 1 - int(np.floor(np.log10(se_shown)))  # 0.0996 rounds to 0.10: one digit fewer
    if decimals > 0:
        return f"{value:,.{decimals}f} ± {se_shown:.{decimals}f}"
    return f"{round(value, decimals):,.0f} ± {round(se_shown, decimals):,.0f}"


def interval_agreement_display(agreement: pd.DataFrame, confidence_level: float = 0.95,
                               z: float = MC_Z) -> pd.DataFrame:
    """Per model and p: our interval and METR's, each bound ± its Monte Carlo error, and whether
    they differ by more than that error.

    Parameters
    ----------
    agreement : :func:`horizonlib.model.mc_error.interval_agreement` output (minutes).
    confidence_level : shown in the column names.
    z : the threshold the agreement was computed with (combined standard errors).

    Returns
    -------
    DataFrame indexed by (dataset, model, p) with text columns.
    """
    level = f"{confidence_level:.0%} CI"

    def verdict(r) -> str:
        beyond = [f"{side} z = {_signed(zv)}" for side, zv, flag in
                  (("low", r.low_z, r.low_differs), ("high", r.high_z, r.high_differs)) if flag]
        return "yes: " + ", ".join(beyond) if beyond else "no"

    def interval(r, prefix: str) -> str:
        low, high = (bound_with_error(getattr(r, f"{prefix}ci_{side}_min"),
                                      getattr(r, f"{prefix}ci_{side}_mc_se_min"))
                     for side in ("low", "high"))
        return f"[{low}, {high}]"

    rows = agreement.sort_values(["dataset", "p", "model"], kind="stable")
    table = pd.DataFrame({
        "dataset": rows["dataset"], "model": rows["model"],
        "p": [f"p{round(p * 100)}" for p in rows["p"]],
        f"ours [{level}] ± MC s.e.": [interval(r, "") for r in rows.itertuples()],
        f"METR [{level}] ± MC s.e.": [interval(r, "metr_") for r in rows.itertuples()],
        f"beyond {z:g} s.e.?": [verdict(r) for r in rows.itertuples()],
    })
    return table.set_index(["dataset", "model", "p"])


def _differ(k) -> str:
    """``"none differs"``, ``"1 differs"``, ``"3 differ"``."""
    k = int(k)
    return "none differs" if k == 0 else f"{k:,} {'differs' if k == 1 else 'differ'}"


def _signed(z: float) -> str:
    """A z score with its sign and a true minus: ``"+3.6"``, ``"−2.3"``."""
    return f"{z:+.1f}".replace("-", "−")


def _percent(p: float) -> str:
    """A probability as a short percentage: ``"1.0%"``, ``"23%"``, ``"below 0.1%"``."""
    if p < 0.001:
        return "below 0.1%"
    return f"{p:.1%}" if p < 0.1 else f"{p:.0%}"


def _bounds_beyond(agreement: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per bound beyond ``threshold`` combined errors, largest ``|z|`` first."""
    sides = []
    for side, other in (("low", "high"), ("high", "low")):  # the two bounds of an interval
        part = agreement[agreement[f"{side}_z"].abs() > threshold]
        sides.append(pd.DataFrame({"model": part["model"], "p": part["p"], "side": side,
                                   "z": part[f"{side}_z"], "other_z": part[f"{other}_z"],
                                   "n_replicates": part["n_replicates"]}))
    out = pd.concat(sides, ignore_index=True)
    return out.iloc[np.argsort(-out["z"].abs().to_numpy(), kind="stable")]


def interval_agreement_sentence(agreement: pd.DataFrame, z: float = MC_Z,
                                confidence_level: float = 0.95) -> str:
    """What the comparison of our intervals with METR's shows, in one paragraph of numbers.

    Counts the bounds beyond ``z`` and beyond :data:`UNEXPLAINED_Z` combined standard errors
    against the counts noise alone predicts, names the exceptions, and for any bound beyond
    :data:`UNEXPLAINED_Z` says it is not explained by Monte Carlo error, with the likely reasons.
    """
    if agreement.empty:
        return ("This edition holds no METR interval on the same task suite and penalty, so no "
                "interval is compared here.")
    counts = noise_tail_counts(agreement, (z, UNEXPLAINED_Z))
    two, three = counts.iloc[0], counts.iloc[1]
    n_bounds = int(two["n_bounds"])
    text = (f"Of the {n_bounds} interval bounds compared "
            f"({plural(agreement['model'].nunique(), 'model')}, "
            f"{plural(agreement['p'].nunique(), 'success level')}), {_differ(two['observed'])} "
            f"from METR's by more than {z:g} combined Monte Carlo standard errors, where Monte "
            f"Carlo noise alone would put about {two['expected']:.1f}; "
            f"{_differ(three['observed'])} by more than {UNEXPLAINED_Z:g}, where noise would put "
            f"about {three['expected']:.2f}.")
    if two["observed"] == 0:
        return text + " Every bound agrees with METR's within Monte Carlo error."
    beyond = _bounds_beyond(agreement, z)
    names = [f"the {r.side} bound of {r.model} p{round(r.p * 100)} (z = {_signed(r.z)})"
             for r in beyond.itertuples()]
    text += (f" The exception{'s are' if len(names) > 1 else ' is'} {english_list(names)}."
             if len(names) <= 6 else f" The largest: {english_list(names[:6])}.")
    far = beyond[beyond["z"].abs() >= UNEXPLAINED_Z]
    if two["observed"] <= two["expected"] or two["p_at_least"] >= 0.05:
        text += (f" That many bounds beyond {z:g} standard errors is what noise gives among "
                 f"{n_bounds} (as many or more with probability {_percent(two['p_at_least'])}, "
                 "treating the bounds as independent)" + (", but not so large a z." if len(far)
                                                          else "."))
    else:
        text += (f" That is more than noise gives among {n_bounds} (as many or more with "
                 f"probability {_percent(two['p_at_least'])}, treating the bounds as "
                 "independent): our intervals and METR's differ beyond Monte Carlo error.")
    if far.empty:
        return text
    worst = far.iloc[0]
    tail = (1 - confidence_level) / 2
    pct = 100 * (tail if worst["side"] == "low" else 1 - tail)
    n_tail = tail * worst["n_replicates"]
    subject = "It" if len(names) == 1 else english_list(names[:len(far)])
    text += (f" {subject[0].upper()}{subject[1:]} {'is' if len(far) == 1 else 'are'} "
             f"not explained by Monte Carlo error at the stated level: noise alone puts at "
             f"least one of {n_bounds} bounds at |z| ≥ {abs(worst['z']):.2f} with probability "
             f"about {_percent(p_max_beyond(abs(worst['z']), n_bounds))}"
             + (f", and the other bound of that interval agrees (z = {_signed(worst['other_z'])})"
                if abs(worst["other_z"]) <= z else "")
             + ". We cannot tell the likely reasons apart here: the order-statistic rule may "
             f"underestimate the error of so extreme a percentile (the {pct:g}th of "
             f"{int(worst['n_replicates']):,} replicates rests on only about {n_tail:.0f} "
             "replicates beyond it, too few to pin the tail's shape), or METR's interval may "
             "differ for real, through its early-stopping solver, its weights or its resampling, "
             "which move the far tails of a bootstrap distribution most.")
    return text
    worst = far.iloc[0]
    tail = (1 - confidence_level) / 2
    pct = 100 * (tail if worst["side"] == "low" else 1 - tail)
    n_tail = tail * worst["n_replicates"]
    unexplained = english_list(names[:len(far)])
    text += (f" {unexplained[0].upper()}{unexplained[1:]} {'is' if len(far) == 1 else 'are'} "
             f"not explained by Monte Carlo error at the stated level: noise alone puts some "
             f"bound of {n_bounds} at |z| ≥ {abs(worst['z']):.2f} with probability about "
             f"{_percent(p_max_beyond(abs(worst['z']), n_bounds))}"
             + (f", and the other bound of that interval agrees (z = {_signed(worst['other_z'])})"
                if abs(worst["other_z"]) <= z else "")
             + ". We cannot tell the likely reasons apart here: the order-statistic rule may "
             f"underestimate the error of so extreme a percentile (the {pct:g}th of "
             f"{int(worst['n_replicates']):,} replicates rests on the about {n_tail:.0f} "
             "replicates beyond it, too few to pin the tail's shape), or METR's interval may "
             "differ for real, through its early-stopping solver, its weights or its resampling, "
             "which move the far tails of a bootstrap distribution most.")
    return text
