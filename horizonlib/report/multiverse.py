"""Presentation layer: the multiverse chapter's sentences and display tables, from
horizonlib.analyses.multiverse's results.

Job: turn the tables of :mod:`horizonlib.analyses.multiverse` into what the chapter shows and quotes:
words for dimensions and levels (:data:`DIMENSION_NAMES`, :data:`LEVEL_LABELS`,
:func:`level_label`), readable tables (:func:`position_display`, :func:`effects_display`,
:func:`bootstrap_display`, :func:`bootstrap_wide`), labels of trend summaries
(:func:`trend_labels`), the note on excluded models (:func:`excluded_note`) and every number
and sentence the prose quotes (:func:`focus_numbers`, :func:`trend_numbers`,
:func:`chapter_numbers`, :func:`trend_chapter_numbers`, :func:`noise_numbers`).
:mod:`horizonlib.analyses.multiverse` never imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse import (
    DIMENSION_COLUMNS,
    DIMENSIONS,
    NO_FLAGS,
    largest_single_change,
    outside_ci_count,
)
from horizonlib.report.breakdowns.tables import styled  # noqa: F401  (tables of the chapter)
from horizonlib.common.text import count_of, verb_for
from horizonlib.common.units import format_duration


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


#: Words for each dimension in prose.
DIMENSION_NAMES = {"weighting": "task weighting", "regularization": "regularization",
                   "success": "success rule", "subset": "task subset", "link": "link function",
                   "hack_policy": "reward-hack policy", "interactions": "interactions"}


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


def bootstrap_display(boot: pd.DataFrame, specs: pd.DataFrame, picks: pd.DataFrame,
                      p: float = 0.5) -> pd.DataFrame:
    """Readable table of :func:`bootstrap_specifications` for the picked models at one ``p``.

    Returns
    -------
    pandas.DataFrame
        ``model`` (label), ``changed`` (dimension changed from METR's choices), ``choice`` (its
        level), ``horizon_min``, ``ci_low_min``, ``ci_high_min`` (minutes), ``failed_replicates``.
    """
    b = boot[np.isclose(boot["p"], p)].merge(picks[["dataset", "model", "label"]],
                                             on=["dataset", "model"])
    b = b.merge(specs[["spec", "changed"]], on="spec")
    choice = [("METR's choices" if c == "none" else f"{rec[c]}") for c, rec in
              zip(b["changed"], b.to_dict("records"))]
    b = b.assign(choice=choice, changed=b["changed"].map({**DIMENSION_NAMES, "none": "—"}))
    return b[["label", "changed", "choice", "horizon_min", "ci_low_min", "ci_high_min",
              "failed_replicates"]].rename(columns={"label": "model"}).reset_index(drop=True)


#: Human labels of the levels of every dimension (tables, figures and prose).
LEVEL_LABELS = {
    "invsqrt_task_weight": "1/√(tasks in family) per family", "equal_task_weight": "equal per task",
    "none": "equal per run", "delivered": "binarized score as delivered",
    "score>=0.5": "score ≥ 0.5", "score>=0.8": "score ≥ 0.8", "fractional": "fractional credit",
    "all": "all tasks", "no_rebench": "without RE-Bench", "hcast": "HCAST only",
    "baseline_times": "measured human times only", "logistic": "logistic", "probit": "probit",
    "failure": "counted as failure", "success": "counted as success", "excluded": "excluded",
    NO_FLAGS: "as delivered",
}


def level_label(dimension: str, level) -> str:
    """Readable label of one level of a dimension (``"λ = 0.01"``, ``"fractional credit"``)."""
    if dimension == "regularization":
        return f"λ = {float(level):g}"
    return LEVEL_LABELS.get(level, str(level))


def excluded_note(eligibility: pd.DataFrame) -> str:
    """Plain text naming the excluded models and why ("" parts omitted)."""
    ex = eligibility[~eligibility["included"]]
    if ex.empty:
        return "Every model has a 50% horizon within the task lengths it ran, so none is left out."
    parts = [f"{r.display_name} ({r.dataset}): {r.reason}" for r in ex.itertuples(index=False)]
    return ("Left out of the summaries below: " + "; ".join(parts) + ".")


def _times(v) -> str:
    return f"×{v:.2f}" if np.isfinite(v) else "n/a"


def _ordinal(k: float) -> str:
    if not np.isfinite(k):
        return "n/a"
    k = int(round(k))
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def position_display(position: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """:func:`headline_position` as a readable table (model and dataset in their own columns)."""
    names = table.drop_duplicates(["dataset", "model"]).set_index(["dataset", "model"])["display_name"]
    shown = names.reindex(pd.MultiIndex.from_frame(position[["dataset", "model"]])).to_numpy()
    return pd.DataFrame({
        "model": shown, "dataset": position["dataset"].to_numpy(),
        "METR's choices": position["headline"].map(format_duration).to_numpy(),
        "smallest": position["min"].map(format_duration).to_numpy(),
        "median": position["median"].map(format_duration).to_numpy(),
        "largest": position["max"].map(format_duration).to_numpy(),
        "largest ÷ smallest": position["max_over_min"].map(_times).to_numpy(),
        "METR's percentile": position["percentile"].map(_ordinal).to_numpy(),
    })


def _pick_columns(picks: pd.DataFrame) -> dict:
    """Column name per pick: the display name, with the dataset when a name repeats."""
    dup = picks["display_name"].duplicated(keep=False)
    return {(r.dataset, r.model): (f"{r.display_name} ({r.dataset})" if d else r.display_name)
            for r, d in zip(picks.itertuples(index=False), dup)}


def effects_display(effects: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """:func:`dimension_effects` of the picked models as a readable wide table.

    Rows: each alternative level (``choice``, ``changed to``); one column per picked model with
    the median ratio to METR's level as ``"×1.52"``.
    """
    cols = _pick_columns(picks)
    e = effects.merge(picks[["dataset", "model"]], on=["dataset", "model"])
    e = e.assign(column=[cols[(d, m)] for d, m in zip(e["dataset"], e["model"])],
                 choice=e["dimension"].map(DIMENSION_NAMES),
                 level_text=[level_label(d, lv) for d, lv in zip(e["dimension"], e["level"])])
    order = [(d, level_label(d, lv)) for d in DIMENSION_COLUMNS for lv in DIMENSIONS[d][1:]]
    wide = e.pivot_table(index=["dimension", "level_text"], columns="column", values="median_ratio",
                         aggfunc="first")
    wide = wide.reindex([o for o in order if o in wide.index])
    out = pd.DataFrame({"choice": [DIMENSION_NAMES[d] for d, _ in wide.index],
                        "changed to": [lv for _, lv in wide.index]})
    for c in [c for c in cols.values() if c in wide.columns]:
        out[c] = [_times(v) for v in wide[c].to_numpy(dtype=float)]
    return out


def bootstrap_wide(boot: pd.DataFrame, specs: pd.DataFrame, picks: pd.DataFrame,
                   p: float = 0.5) -> pd.DataFrame:
    """One-choice-at-a-time horizons with bootstrap CIs: one row per change, one column per model.

    Each cell is ``"2.0 h (1.3 to 3.4 h)"`` (95% CI in brackets); the first row is METR's choices.
    """
    cols = _pick_columns(picks)
    b = boot[np.isclose(boot["p"], p)].merge(picks[["dataset", "model"]], on=["dataset", "model"])
    b = b.merge(specs[["spec", "changed"]], on="spec")
    b = b.assign(column=[cols[(d, m)] for d, m in zip(b["dataset"], b["model"])],
                 cell=[_cell(h, lo, hi) for h, lo, hi in
                       zip(b["horizon_min"], b["ci_low_min"], b["ci_high_min"])],
                 to=[("—" if c == "none" else level_label(c, rec[c]))
                     for c, rec in zip(b["changed"], b.to_dict("records"))])
    rank = {d: i for i, d in enumerate(["none"] + DIMENSION_COLUMNS)}
    order = specs[["spec", "changed"]].assign(_r=specs["changed"].map(rank)).sort_values(
        ["_r", "spec"], kind="stable")
    wide = b.pivot_table(index="spec", columns="column", values="cell", aggfunc="first")
    out = order[order["spec"].isin(wide.index)].copy()
    labels = b.drop_duplicates("spec").set_index("spec")["to"]
    out = pd.DataFrame({
        "choice changed": out["changed"].map({**DIMENSION_NAMES, "none": "none (METR's choices)"}),
        "changed to": labels.reindex(out["spec"]).to_numpy(),
        **{c: wide[c].reindex(out["spec"]).to_numpy() for c in cols.values() if c in wide.columns},
    })
    return out.reset_index(drop=True)


def _cell(h, lo, hi) -> str:
    if not np.isfinite(h):
        return "no fit"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return format_duration(h)
    return f"{format_duration(h)} ({format_duration(lo)} to {format_duration(hi)})"


def trend_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``label`` = "dataset, from <window start>, <selection> models" to a trend summary."""
    return frame.assign(label=frame["dataset"] + ", from " + frame["window_start"].astype(str)
                        + ", " + frame["selection"] + " models")


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
        :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE as NA

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
        out["median_percentile"] = _ordinal(float(position["percentile"].median()))
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
            "focus_percentile": _ordinal(f["percentile"]), "focus_top_dimension": f["top_dimension"],
            "focus_top_share": f"{f['top_share']:.0f}%",
            "focus_interactions": f"{f['interactions_share']:.0f}%"})
    e = effects[(effects["dataset"] == pick["dataset"]) & (effects["model"] == pick["model"])]
    for key, level in [("focus_success_fractional", "fractional"),
                       ("focus_success_half", "score>=0.5")]:
        r = e[(e["dimension"] == "success") & (e["level"] == level)]
        if len(r):
            out[key] = _times(float(r["median_ratio"].iloc[0]))
    biggest = largest_single_change(table, grid, pick["dataset"], pick["model"])
    if biggest is not None:
        out["focus_top_effect"] = (
            f"switching the {DIMENSION_NAMES[biggest['dimension']]} to "
            f"{level_label(biggest['dimension'], biggest['level'])}: "
            f"{format_duration(biggest['p50_min'])} against {format_duration(biggest['metr_min'])}"
            f" ({_times(biggest['ratio'])})")
    return out


def trend_chapter_numbers(trend_position: pd.DataFrame, trend_shares: pd.DataFrame,
                          picks: pd.DataFrame, window_start: str) -> dict:
    """Doubling-time numbers of the focus model's dataset for the prose, as text with units.

    Returns
    -------
    dict of str -> str
        ``trend_dataset, trend_window, trend_headline, trend_range, trend_median,
        trend_percentile, trend_top_dimension, trend_top_share``; unavailable ones are
        :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE as NA

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
                "trend_percentile": _ordinal(tn["percentile"]),
                "trend_top_dimension": tn["top_dimension"] or NA,
                "trend_top_share": (f"{tn['top_share']:.0f}%" if np.isfinite(tn["top_share"])
                                    else NA)})
    return out


def noise_numbers(boot: pd.DataFrame, specs: pd.DataFrame, picks: pd.DataFrame,
                  n_bootstrap: int) -> dict:
    """Numbers of the "spread against noise" section: replicates and, for the focus model, how
    many single-choice changes leave the 95% interval of METR's choices."""
    from horizonlib.common.text import NOT_AVAILABLE as NA

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
