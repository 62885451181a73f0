"""The answers page's section "What length alone misses", built from results files.

Job: read the files chapters/difficulty.md writes (``mixed_horizons``, ``lead_concentration``,
``length_error``, ``length_error_trend``, ``messiness_slopes``) and word the section's sentences
for the first focus model that has run data (:func:`difficulty_answers`). A missing file (a
build restricted with ``chapters``) gives "not available" sentences, never an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, dataset_label, format_number, phrase
from horizonlib.report.difficulty import duration

FILES = ("mixed_horizons", "lead_concentration", "length_error", "length_error_trend",
         "messiness_slopes")


def _read(results_dir, name) -> pd.DataFrame:
    path = Path(results_dir) / f"{name}.csv"
    return pd.read_csv(path) if path.is_file() else pd.DataFrame()


def _span(h, lo, hi) -> str:
    if not np.isfinite(h):
        return NOT_AVAILABLE
    if np.isfinite(lo) and np.isfinite(hi):
        return f"{duration(h)} (95% CI {duration(lo)} to {duration(hi)})"
    return duration(h)


def _apart(row) -> bool:
    """Whether the focus-minus-others contrast's interval excludes zero."""
    lo, hi = row["contrast_ci_low"], row["contrast_ci_high"]
    return bool(np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0))


def _focus(lead: pd.DataFrame, focus_models):
    """(display name, dataset) of the first focus model with results; its largest run file."""
    for name in focus_models:
        rows = lead[lead["display_name"] == name] if len(lead) else lead
        if len(rows):
            return name, rows.sort_values(["n_tasks", "dataset"]).iloc[-1]["dataset"]
    return None, None


def difficulty_answers(results_dir: str | os.PathLike, focus_models, comparison_models) -> dict:
    """Glue values ``la_*`` of the answers page's section "What length alone misses".

    Parameters
    ----------
    results_dir : str or PathLike
        Folder of the results CSV files.
    focus_models, comparison_models : list of str
        Display names; the section speaks of the first focus model with run data.

    Returns
    -------
    dict
        ``la_focus``, ``la_horizon``, ``la_lead``, ``la_length``, ``la_trend``, ``la_messiness``.
    """
    t = {name: _read(results_dir, name) for name in FILES}
    focus, dataset = _focus(t["lead_concentration"], focus_models)
    if focus is None:
        return {k: NOT_AVAILABLE for k in ("la_horizon", "la_lead", "la_length", "la_trend",
                                           "la_messiness")} | {"la_focus": "the focus model"}
    where = f"{focus} ({dataset_label(dataset)})"
    out = {"la_focus": where}
    mix = t["mixed_horizons"]
    mix = mix[(mix["display_name"] == focus) & (mix["dataset"] == dataset)]
    m50 = mix[np.isclose(mix["p"], 0.5)]
    m80 = mix[np.isclose(mix["p"], 0.8)]
    if len(m50) and len(m80):
        a, b = m50.iloc[0], m80.iloc[0]
        out["la_horizon"] = (
            f"In its own random-intercept fit, its tasks' effects beyond length have a standard "
            f"deviation of {format_number(a['task_sd'], 1)} log-odds. For a typical task the "
            f"mixed model puts the 50% horizon at "
            f"{_span(a['horizon_min'], a['ci_low_min'], a['ci_high_min'])} against METR's "
            f"{_span(a['metr_horizon_min'], a['metr_ci_low_min'], a['metr_ci_high_min'])}, and "
            f"the 80% horizon at {_span(b['horizon_min'], b['ci_low_min'], b['ci_high_min'])} "
            f"against {_span(b['metr_horizon_min'], b['metr_ci_low_min'], b['metr_ci_high_min'])}; "
            f"the mixed model's intervals treat tasks as independent and ignore task families, so "
            f"they are narrower than METR's partly by design.")
    else:
        out["la_horizon"] = NOT_AVAILABLE
    lead = t["lead_concentration"]
    r = lead[(lead["display_name"] == focus) & (lead["dataset"] == dataset)].iloc[0]
    others = lead[(lead["dataset"] == dataset) & lead["display_name"].isin(comparison_models)]
    comp = "; ".join(f"{o.display_name} {format_number(100 * o.share_topk, 0)}%"
                     for o in others.itertuples())
    out["la_lead"] = (
        f"It beats its predicted success on {r['n_beats']} of {r['n_tasks']} tasks; its top three "
        f"hold {format_number(100 * r['share_topk'], 0)}% of its success beyond its own length "
        f"curve"
        + (f" (comparison models on {dataset_label(dataset)}: {comp})" if comp else "")
        + f", and half of that excess comes from {r['tasks_for_half']} tasks. That is success "
        f"beyond its own prediction, not a lead over other models.")
    le = t["length_error"]
    le = le[(le["display_name"] == focus) & (le["dataset"] == dataset) & np.isclose(le["p"], 0.5)]
    v = le.set_index("variant") if len(le) else le
    if {"metr", "length_error"} <= set(v.index):
        base = v.loc["metr"]
        text = (f"Drawing human-length error into the bootstrap widens its 50% interval from "
                f"{format_number(base['ci_width_doublings'], 2)} to "
                f"{format_number(v.loc['length_error', 'ci_width_doublings'], 2)} doublings")
        if "baselined_only" in v.index:
            bo = v.loc["baselined_only"]
            text += (f"; fitted on baselined tasks only, the horizon is "
                     f"{_span(bo['horizon_min'], bo['ci_low_min'], bo['ci_high_min'])}")
        out["la_length"] = text + "."
    else:
        out["la_length"] = NOT_AVAILABLE
    tr = t["length_error_trend"]
    tr = tr[tr["dataset"] == dataset].set_index("variant") if len(tr) else tr
    same = len(tr) and tr["n_models"].nunique() == 1
    out["la_trend"] = (
        "The doubling time of that run file's frontier"
        + (f" (the same {int(tr['n_models'].iloc[0])} models in every variant)" if same else "")
        + " is "
        + ", ".join(f"{phrase(tr.loc[k, 'doubling_days'], tr.loc[k, 'ci_low_days'], tr.loc[k, 'ci_high_days'], 'days', 0)} {label}"
                    + ("" if same else f" ({int(tr.loc[k, 'n_models'])} models)")
                    for k, label in (("metr", "as METR computes it"),
                                     ("length_error", "with length error"),
                                     ("baselined_only", "on baselined tasks only"))
                    if k in tr.index) + "."
        if len(tr) else NOT_AVAILABLE)
    ms = t["messiness_slopes"]
    ms = ms[(ms["display_name"] == focus) & (ms["dataset"] == dataset)] if len(ms) else ms
    if len(ms):
        s = ms.iloc[0]
        out["la_messiness"] = (
            f"On messier tasks it succeeds less than their length predicts: "
            f"{phrase(s['slope'], s['ci_low'], s['ci_high'], '', 2)} log-odds per messiness point, "
            f"{phrase(s['contrast'], s['contrast_ci_low'], s['contrast_ci_high'], '', 2)} "
            f"relative to the other models' mean slope, which "
            + ("is distinguishable from zero." if _apart(s) else
               "is not distinguishable from zero (its interval spans 0): it does not fall off "
               "on messier tasks more than the other models do.")
            if s["slope"] < 0 else
            f"Its success beyond length rises with messiness: "
            f"{phrase(s['slope'], s['ci_low'], s['ci_high'], '', 2)} log-odds per point.")
    else:
        out["la_messiness"] = "No messiness labels cover this model's tasks in this edition."
    return out
