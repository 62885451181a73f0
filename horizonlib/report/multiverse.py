"""Presentation layer: every number and sentence the multiverse chapter's prose quotes.

Job: from the tables of the :mod:`horizonlib.analyses.multiverse` subpackage, the key numbers of
the focus model (:func:`focus_numbers`) and of its doubling times (:func:`trend_numbers`), the
note on excluded models (:func:`excluded_note`), and the glue texts with units
(:func:`chapter_numbers`, :func:`trend_chapter_numbers`, :func:`noise_numbers`). Words for
dimensions and levels are in :mod:`horizonlib.report.multiverse_labels`, display tables in
:mod:`horizonlib.report.multiverse_tables`. The analyses never import this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.bootstrap import outside_ci_count
from horizonlib.analyses.multiverse.summaries import largest_single_change
from horizonlib.common.text import NOT_AVAILABLE as NA
from horizonlib.common.text import count_of, verb_for
from horizonlib.common.units import format_duration
from horizonlib.report.multiverse_labels import (
    DIMENSION_NAMES,
    level_label,
    ordinal_text,
    times_text,
)


def focus_numbers(position: pd.DataFrame, shares: pd.DataFrame, pick: pd.Series) -> dict:
    """Key numbers of one model for prose: headline, range, percentile, largest-share dimension.

    Parameters
    ----------
    position : pandas.DataFrame
        :func:`headline_position` output.
    shares : pandas.DataFrame
        :func:`variance_shares` output.
    pick : pandas.Series
        One row of :func:`choose_models` (``dataset``, ``model``, ``label``).

    Returns
    -------
    dict
        ``label``, ``headline``, ``min``, ``median``, ``max`` (minutes), ``max_over_min``,
        ``percentile``, ``n_specs``, ``top_dimension`` (label of the dimension with the largest
        main-effect share), ``top_share`` and ``interactions_share`` (percent).
    """
    pos = position[(position["dataset"] == pick["dataset"]) & (position["model"] == pick["model"])].iloc[0]
    sh = shares[(shares["dataset"] == pick["dataset"]) & (shares["model"] == pick["model"])]
    main = sh[sh["dimension"] != "interactions"].sort_values("share", ascending=False)
    return {
        "label": pick["label"], "headline": float(pos["headline"]), "min": float(pos["min"]),
        "median": float(pos["median"]), "max": float(pos["max"]),
        "max_over_min": float(pos["max_over_min"]), "percentile": float(pos["percentile"]),
        "n_specs": int(pos["n_specs"]),
        "top_dimension": DIMENSION_NAMES[main.iloc[0]["dimension"]],
        "top_share": 100.0 * float(main.iloc[0]["share"]),
        "interactions_share": 100.0 * float(sh.loc[sh["dimension"] == "interactions", "share"].iloc[0]),
    }


def trend_numbers(trend_position: pd.DataFrame, trend_shares: pd.DataFrame, dataset: str,
                  window_start: str, selection: str = "frontier") -> dict:
    """Key doubling-time numbers of one (dataset, window, selection) for prose.

    Returns
    -------
    dict
        ``available`` (bool), ``headline``, ``min``, ``median``, ``max`` (days), ``percentile``,
        ``n_specs``, ``top_dimension``, ``top_share`` (percent); NaN / "" when unavailable.
    """
    window_start = pd.Timestamp(window_start).date().isoformat()
    pos = trend_position[(trend_position["dataset"] == dataset)
                         & (trend_position["window_start"] == window_start)
                         & (trend_position["selection"] == selection)]
    out = {"available": False, "headline": np.nan, "min": np.nan, "median": np.nan,
           "max": np.nan, "percentile": np.nan, "n_specs": 0, "top_dimension": "",
           "top_share": np.nan}
    if pos.empty or pos.iloc[0]["n_specs"] == 0:
        return out
    p = pos.iloc[0]
    sh = trend_shares[(trend_shares["dataset"] == dataset)
                      & (trend_shares["window_start"] == window_start)
                      & (trend_shares["selection"] == selection)
                      & (trend_shares["dimension"] != "interactions")].sort_values("share",
                                                                                   ascending=False)
    out.update({"available": True, "headline": float(p["headline"]), "min": float(p["min"]),
                "median": float(p["median"]), "max": float(p["max"]),
                "percentile": float(p["percentile"]), "n_specs": int(p["n_specs"]),
                "top_dimension": DIMENSION_NAMES[sh.iloc[0]["dimension"]],
                "top_share": 100.0 * float(sh.iloc[0]["share"])})
    return out


def excluded_note(eligibility: pd.DataFrame) -> str:
    """Plain text naming the excluded models and why ("" parts omitted)."""
    ex = eligibility[~eligibility["included"]]
    if ex.empty:
        return "Every model has a 50% horizon within the task lengths it ran, so none is left out."
    parts = [f"{r.display_name} ({r.dataset}): {r.reason}" for r in ex.itertuples(index=False)]
    return ("Left out of the summaries below: " + "; ".join(parts) + ".")


def chapter_numbers(table: pd.DataFrame, grid: pd.DataFrame, eligibility: pd.DataFrame,
                    position: pd.DataFrame, shares: pd.DataFrame, effects: pd.DataFrame,
                    picks: pd.DataFrame, missing: Sequence[str], has_flags: bool) -> dict:
    """Every number and sentence the multiverse chapter's prose quotes, as text with units.

    Parameters
    ----------
    table : :func:`fit_multiverse` output (all models).
    grid : the specification grid.
    eligibility : :func:`model_eligibility`.
    position, shares : :func:`headline_position`, :func:`variance_shares` of the included models.
    effects : :func:`dimension_effects` (any models; the focus model's rows are used).
    picks : :func:`choose_focus_models` output (first row: the focus model or its stand-in).
    missing : question models absent from the run files.
    has_flags : whether per-run reward-hacking flags were given.

    Returns
    -------
    dict of str -> str
        The same keys in every edition; unavailable numbers are
        :data:`horizonlib.common.text.NOT_AVAILABLE`.
    """
    n_models = table.groupby(["dataset", "model"]).ngroups
    out = {
        "n_specs": f"{len(grid):,}", "n_models": str(n_models), "n_fits": f"{len(table):,}",
        "n_failed": f"{int((table['status'] != 'ok').sum()):,}",
        "n_included": str(int(eligibility["included"].sum())),
        "n_excluded": str(int((~eligibility["included"]).sum())),
        "excluded_note": excluded_note(eligibility),
        "hack_sentence": ("Per-run reward-hacking flags were given, so the reward-hack policy is a "
                          "dimension of the grid." if has_flags else
                          "No per-run reward-hacking flags are configured (METR's public run files "
                          "carry none), so the reward-hack policy is not a dimension here; the "
                          "reward-hacking chapter treats it with a tipping-point analysis instead."),
        "missing_note": ("Not in the configured run files: " + ", ".join(missing) +
                         ". The multiverse needs run-level data, so "
                         + ("it is" if len(missing) == 1 else "they are") + " not refitted here."
                         if missing else
                         "Every focus and comparison model is in the configured run files."),
    }
    keys = ["focus_label", "focus_headline", "focus_range", "focus_ratio", "focus_median",
            "focus_percentile", "focus_top_dimension", "focus_top_share", "focus_interactions",
            "focus_success_fractional", "focus_success_half", "focus_top_effect",
            "median_percentile", "standin_note"]
    out.update(dict.fromkeys(keys, NA))
    if len(position):
        out["median_percentile"] = ordinal_text(float(position["percentile"].median()))
    if picks.empty:
        return out
    pick = picks.iloc[0]
    out["focus_label"] = pick["label"]
    out["standin_note"] = ("None of the focus models is in the run files; the model with the "
                           f"longest headline horizon, {pick['label']}, stands in for them below."
                           if pick["role"] == "stand-in" else
                           f"The focus model below is {pick['label']}.")
    pos = position[(position["dataset"] == pick["dataset"]) & (position["model"] == pick["model"])]
    if len(pos):
        f = focus_numbers(position, shares, pick)
        out.update({
            "focus_headline": format_duration(f["headline"]),
            "focus_range": f"{format_duration(f['min'])} to {format_duration(f['max'])}",
            "focus_ratio": f"{f['max_over_min']:.1f}", "focus_median": format_duration(f["median"]),
            "focus_percentile": ordinal_text(f["percentile"]), "focus_top_dimension": f["top_dimension"],
            "focus_top_share": f"{f['top_share']:.0f}%",
            "focus_interactions": f"{f['interactions_share']:.0f}%"})
    e = effects[(effects["dataset"] == pick["dataset"]) & (effects["model"] == pick["model"])]
    for key, level in [("focus_success_fractional", "fractional"),
                       ("focus_success_half", "score>=0.5")]:
        r = e[(e["dimension"] == "success") & (e["level"] == level)]
        if len(r):
            out[key] = times_text(float(r["median_ratio"].iloc[0]))
    biggest = largest_single_change(table, grid, pick["dataset"], pick["model"])
    if biggest is not None:
        out["focus_top_effect"] = (
            f"switching the {DIMENSION_NAMES[biggest['dimension']]} to "
            f"{level_label(biggest['dimension'], biggest['level'])}: "
            f"{format_duration(biggest['p50_min'])} against {format_duration(biggest['metr_min'])}"
            f" ({times_text(biggest['ratio'])})")
    return out


def trend_chapter_numbers(trend_position: pd.DataFrame, trend_shares: pd.DataFrame,
                          picks: pd.DataFrame, window_start: str) -> dict:
    """Doubling-time numbers of the focus model's dataset for the prose, as text with units.

    Returns
    -------
    dict of str -> str
        ``trend_dataset, trend_window, trend_headline, trend_range, trend_median,
        trend_percentile, trend_top_dimension, trend_top_share``; unavailable ones are
        :data:`horizonlib.common.text.NOT_AVAILABLE`.
    """
    dataset = picks.iloc[0]["dataset"] if len(picks) else NA
    out = {"trend_dataset": dataset, "trend_window": str(window_start)}
    keys = ["trend_headline", "trend_range", "trend_median", "trend_percentile",
            "trend_top_dimension", "trend_top_share"]
    out.update(dict.fromkeys(keys, NA))
    if not len(picks):
        return out
    tn = trend_numbers(trend_position, trend_shares, dataset, window_start)
    if not tn["available"]:
        return out
    days = lambda v: f"{v:.0f} days" if np.isfinite(v) else NA  # noqa: E731
    out.update({"trend_headline": days(tn["headline"]),
                "trend_range": f"{days(tn['min'])} to {days(tn['max'])}",
                "trend_median": days(tn["median"]),
                "trend_percentile": ordinal_text(tn["percentile"]),
                "trend_top_dimension": tn["top_dimension"] or NA,
                "trend_top_share": (f"{tn['top_share']:.0f}%" if np.isfinite(tn["top_share"])
                                    else NA)})
    return out


def noise_numbers(boot: pd.DataFrame, specs: pd.DataFrame, picks: pd.DataFrame,
                  n_bootstrap: int) -> dict:
    """Numbers of the "spread against noise" section: replicates and, for the focus model, how
    many single-choice changes leave the 95% interval of METR's choices."""
    out = {"n_boot": f"{int(n_bootstrap):,}", "n_outside": NA, "n_changes": NA,
           "outside_text": ("no single change could be set against the interval of METR's "
                            "choices")}
    if len(picks):
        k, n = outside_ci_count(boot, specs, picks.iloc[0])
        if n:
            out.update(n_outside=str(k), n_changes=str(n),
                       outside_text=(f"{count_of(k, n, 'single change')} "
                                     f"{verb_for(k, n, 'moves', 'move')} the horizon outside "
                                     "the 95% interval of METR's choices"))
    return out
