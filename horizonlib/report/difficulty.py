"""Presentation layer: sentences, glue values and display tables of chapters/difficulty.md.

Job: turn the tables of :mod:`horizonlib.analyses.task_difficulty`,
:mod:`horizonlib.analyses.length_error` and :mod:`horizonlib.analyses.messiness` into what the
chapter quotes (:func:`difficulty_glue`, :func:`length_error_glue`, :func:`messiness_glue`) and
shows (:func:`horizon_display`). Nothing is computed here beyond choosing rows and wording.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import (NOT_AVAILABLE, dataset_label, english_list, format_number,
                                    count_of, phrase, plural)
from horizonlib.common.units import format_duration


#: Why a per-model fit has no task effects (``status`` of the mixed horizons), in words.
STATUS_WORDS = {"no_successes": "no successes", "no_failures": "no failures",
                "no_task_spread": "its fit finds no spread among tasks",
                "sd_at_bound": "its task spread at a bound of its range",
                "not_converged": "its fit did not converge"}

#: Models that beat their prediction on fewer tasks are left out of the concentration range.
MIN_BEATS = 10


#: Horizons are minutes of skilled-human working time; below one second or above one work-month
#: (167 h) they are extrapolations of a curve far outside every task, shown as bounds.
SHORTEST_SHOWN_MIN = 1 / 60
WORK_MONTH_MIN = 167 * 60


def _level(confidence_level: float) -> str:
    return f"{100 * confidence_level:.0f}% CI"


def duration(minutes: float) -> str:
    """Human working time as text: ``"< 1 s"``, ``"45 min"``, ``"60 h"``, ``"> 1 work-month"``.

    Hours (not days of 24 h) up to a work-month of 167 h, so long horizons read as working time.
    """
    if minutes is None or not np.isfinite(minutes):
        return NOT_AVAILABLE
    if minutes < SHORTEST_SHOWN_MIN:
        return "< 1 s"
    if minutes > WORK_MONTH_MIN:
        return "> 1 work-month"
    if minutes >= 48 * 60:
        return f"{minutes / 60:.0f} h"
    return format_duration(minutes)


def _minutes(h, lo=np.nan, hi=np.nan, level="95% CI") -> str:
    if not np.isfinite(h):
        return NOT_AVAILABLE
    if np.isfinite(lo) and np.isfinite(hi):
        return f"{duration(h)} ({level} {duration(lo)} to {duration(hi)})"
    return duration(h)


def _rows_for(table: pd.DataFrame, names) -> pd.DataFrame:
    """Rows of the models with these display names, in the order of ``names``."""
    order = {n: i for i, n in enumerate(names)}
    sel = table[table["display_name"].isin(order)]
    return sel.assign(_o=sel["display_name"].map(order)).sort_values(["_o", "dataset"])


def _who(row) -> str:
    return f"{row['display_name']} ({dataset_label(row['dataset'])})"


def difficulty_glue(res: dict, mixed: pd.DataFrame, lead: pd.DataFrame, recovery,
                    focus_models, comparison_models, confidence_level: float,
                    top_k: int = 3) -> dict:
    """Glue values of the task-difficulty sections (keys ``df_*``)."""
    level = _level(confidence_level)
    tasks, joint = res["tasks"], res["joint"]
    spread = []
    for row in joint.itertuples():
        d = tasks[tasks["dataset"] == row.dataset].drop_duplicates("task_id")
        hard = d.sort_values("difficulty_joint_doublings").iloc[::-1].head(2)
        easy = d.sort_values("difficulty_joint_doublings").head(2)
        say = lambda g: english_list([f"{t.task_id} ({format_number(t.difficulty_joint_doublings, 1)} doublings)"  # noqa: E731
                                      for t in g.itertuples()])
        spread.append(f"On {dataset_label(row.dataset)} ({row.n_models} models, {row.n_tasks} "
                      f"tasks) the task effects have a standard deviation of "
                      f"{format_number(row.task_sd, 2)} log-odds; the models' curves fall by "
                      f"{format_number(row.mean_abs_slope, 2)} log-odds per doubling of length "
                      f"(mean |slope|), so a difficulty in doublings is its log-odds divided by "
                      f"{format_number(row.mean_abs_slope, 2)}. Hardest for their length: "
                      f"{say(hard)}; easiest: {say(easy)}.")
    per_model = res["horizons"].drop_duplicates(["dataset", "alias"])
    ok = per_model[per_model["status"] == "ok"]
    bad = per_model[per_model["status"] != "ok"]
    out = {
        "df_spread": " ".join(spread) or NOT_AVAILABLE,
        "df_model_sd": (f"{format_number(ok['task_sd'].min(), 1)} to "
                        f"{format_number(ok['task_sd'].max(), 1)}" if len(ok) else NOT_AVAILABLE),
        "df_model_excluded": ("Every model's own fit finds task effects." if bad.empty else
                              "Left out of that range, with no task effects of their own: "
                              + english_list([f"{r['display_name']} ({dataset_label(r['dataset'])}: "
                                              f"{STATUS_WORDS.get(r['status'], r['status'])})"
                                              for _, r in bad.iterrows()]) + "."),
        "df_level": level,
    }
    m50 = mixed[np.isclose(mixed["p"], 0.5) & np.isfinite(mixed["width_ratio"])
                & (mixed["status"] == "ok")]
    out["df_width_median"] = (format_number(float(np.median(m50["width_ratio"])), 2)
                              if len(m50) else NOT_AVAILABLE)
    sentences = []
    for _, r in _rows_for(mixed, list(focus_models) + list(comparison_models)).iterrows():
        if not np.isclose(r["p"], 0.5):
            continue
        r80 = mixed[(mixed["dataset"] == r["dataset"]) & (mixed["alias"] == r["alias"])
                    & np.isclose(mixed["p"], 0.8)].iloc[0]
        sentences.append(
            f"{r['display_name']} ({dataset_label(r['dataset'])}; task effects' standard "
            f"deviation {format_number(r['task_sd'], 1)} log-odds in its own fit): 50% horizon "
            f"{_minutes(r['horizon_min'], r['ci_low_min'], r['ci_high_min'], level)} "
            f"for a typical task against METR's {_minutes(r['metr_horizon_min'], r['metr_ci_low_min'], r['metr_ci_high_min'], level)}"
            f" (interval {format_number(r['width_ratio'], 2)} times as wide on a log scale); "
            f"80% horizon {_minutes(r80['horizon_min'], r80['ci_low_min'], r80['ci_high_min'], level)} "
            f"against {_minutes(r80['metr_horizon_min'], r80['metr_ci_low_min'], r80['metr_ci_high_min'], level)}.")
    out["df_horizons"] = " ".join(sentences) or NOT_AVAILABLE
    lead_text = []
    for _, r in _rows_for(lead, list(focus_models) + list(comparison_models)).iterrows():
        if r["excess_total"] <= 0:
            continue
        lead_text.append(
            f"{_who(r)} beats its predicted success on {r['n_beats']} of {r['n_tasks']} tasks; "
            f"the top {top_k} ({str(r['top_tasks']).replace(';', ', ')}) hold "
            f"{format_number(100 * r['share_topk'], 0)}% of its excess log-likelihood, and half "
            f"of it comes from {r['tasks_for_half']} tasks.")
    out["df_lead"] = " ".join(lead_text) or NOT_AVAILABLE
    missing = [m for m in focus_models if m not in set(tasks["display_name"])]
    out["df_missing"] = (f"{english_list(missing)} (no run data in this edition, so not in this "
                         "chapter)" if missing else "none")
    lead_all = lead[lead["n_beats"] >= MIN_BEATS]
    out["df_lead_range"] = (f"{format_number(100 * lead_all['share_topk'].min(), 0)}% to "
                            f"{format_number(100 * lead_all['share_topk'].max(), 0)}%"
                            if len(lead_all) else NOT_AVAILABLE)
    if recovery is None:
        out["df_recovery"] = ("This edition has no planted truth; the synthetic edition plants "
                              "task effects and checks that this fit recovers them.")
    else:
        out["df_recovery"] = (
            f"In this synthetic edition every task carries a planted effect (standard deviation "
            f"{format_number(recovery['planted_sd'], 2)} log-odds); the joint fit's estimates "
            f"correlate with the planted effects at r = {format_number(recovery['correlation'], 2)} "
            f"over {recovery['n_tasks']} tasks.")
    return out


def length_error_glue(table: pd.DataFrame, trend: pd.DataFrame, runs: pd.DataFrame,
                      focus_models, length_error_baseline: float, length_error_estimate: float,
                      confidence_level: float) -> dict:
    """Glue values of the human-time section (keys ``le_*``)."""
    level = _level(confidence_level)
    per_task = runs.drop_duplicates(["dataset", "task_id"])
    counts = [f"{dataset_label(ds)}: {int((g['human_source'] == 'baseline').sum())} of {len(g)} "
              f"tasks baselined" for ds, g in per_task.groupby("dataset", sort=True)]
    out = {"le_counts": "; ".join(counts), "le_level": level,
           "le_baseline": format_number(length_error_baseline, 2),
           "le_estimate": format_number(length_error_estimate, 2)}
    sentences = []
    t50 = table[np.isclose(table["p"], 0.5)]
    for _, r in _rows_for(t50[t50["variant"] == "metr"], list(focus_models)).iterrows():
        get = lambda v: t50[(t50["dataset"] == r["dataset"]) & (t50["alias"] == r["alias"])  # noqa: E731
                            & (t50["variant"] == v)]
        le, bo = get("length_error"), get("baselined_only")
        text = (f"{_who(r)}: 50% horizon {_minutes(r['horizon_min'], r['ci_low_min'], r['ci_high_min'], level)}; "
                f"with length error the interval is {_minutes(np.nan) if le.empty else duration(le['ci_low_min'].iloc[0]) + ' to ' + duration(le['ci_high_min'].iloc[0])} "
                f"({format_number(r['ci_width_doublings'], 2)} → "
                f"{format_number(le['ci_width_doublings'].iloc[0], 2) if len(le) else 'n/a'} doublings wide)")
        if len(bo):
            b = bo.iloc[0]
            text += (f"; on the {b['n_tasks']} baselined tasks only it is "
                     f"{_minutes(b['horizon_min'], b['ci_low_min'], b['ci_high_min'], level)}")
        sentences.append(text + ".")
    out["le_focus"] = " ".join(sentences) or NOT_AVAILABLE
    trend_text = []
    for ds, g in trend.groupby("dataset", sort=True):
        v = g.set_index("variant")
        same = g["n_models"].nunique() == 1

        def say(name, how):
            if name not in v.index:
                return f"{NOT_AVAILABLE} {how}"
            r = v.loc[name]
            return (phrase(r["doubling_days"], r["ci_low_days"], r["ci_high_days"], "days", 0,
                           level) + f" {how}"
                    + ("" if same else f" ({plural(int(r['n_models']), 'model')})"))
        who = (f"the same {plural(int(g['n_models'].iloc[0]), 'frontier model')} in every variant"
               if same else "the same frontier models in every variant, less any whose horizon "
               "a variant cannot use")
        trend_text.append(
            f"On {dataset_label(ds)} ({who}: those released since {g['window_start'].iloc[0]} "
            f"that the fit chapter's trend uses) the 50% horizon doubles every "
            f"{say('metr', 'as METR computes it')}, {say('length_error', 'with length error')} "
            f"and {say('baselined_only', 'on baselined tasks only')}.")
    out["le_trend"] = " ".join(trend_text) or NOT_AVAILABLE
    return out


def messiness_glue(ms: dict, focus_models, confidence_level: float) -> dict:
    """Glue values of the messiness section (keys ``ms_*``)."""
    level = _level(confidence_level)
    counts = "; ".join(f"{dataset_label(r.dataset)}: {r.n_labelled} of {r.n_tasks} tasks"
                       for r in ms["counts"].itertuples())
    if not ms["has_labels"]:
        return {"ms_counts": counts or "none", "ms_slopes": "This edition has no messiness "
                "labels (the parameter `messiness` is null), so this section is empty.",
                "ms_focus": NOT_AVAILABLE}
    s = ms["slopes"]
    parts = []
    for ds, g in s.groupby("dataset", sort=True):
        neg = int((g["ci_high"] < 0).sum())
        parts.append(f"On {dataset_label(ds)} the slopes of the {len(g)} models with task effects "
                     f"run from {format_number(g['slope'].min(), 2)} "
                     f"to {format_number(g['slope'].max(), 2)} log-odds per messiness point "
                     f"(median {format_number(g['slope'].median(), 2)}); the {level}s of "
                     f"{count_of(neg, len(g), 'model')} lie wholly below zero.")
    ex = ms.get("excluded", pd.DataFrame())
    if len(ex):
        parts.append("Left out, with no task effects of their own: "
                     + english_list([f"{r['display_name']} ({dataset_label(r['dataset'])}: "
                                     f"{r['reason']})" for _, r in ex.iterrows()]) + ".")
    focus = []
    for _, r in _rows_for(s[s["is_focus"]], list(focus_models)).iterrows():
        apart = (np.isfinite(r["contrast_ci_low"]) and np.isfinite(r["contrast_ci_high"])
                 and (r["contrast_ci_low"] > 0 or r["contrast_ci_high"] < 0))
        focus.append(f"{_who(r)}: slope {phrase(r['slope'], r['ci_low'], r['ci_high'], '', 2, level)}; "
                     f"minus the mean of the other models {phrase(r['contrast'], r['contrast_ci_low'], r['contrast_ci_high'], '', 2, level)}, "
                     + ("distinguishable from zero." if apart else
                        "not distinguishable from zero (the interval spans 0)."))
    return {"ms_counts": counts, "ms_slopes": " ".join(parts),
            "ms_focus": " ".join(focus) or NOT_AVAILABLE}


def _cell(h, lo, hi, runs: pd.DataFrame) -> str:
    """A horizon ``"4.0 min [24 s, 17 min]"``; ``*`` when outside the tasks ``runs`` covers;
    why there is none when NaN (``runs``: the model's rows of the task table in this variant)."""
    if not np.isfinite(h):
        k, n = runs["successes"].sum(), runs["n_runs"].sum()
        return "no successes" if k == 0 else "no failures" if k == n else "no fit"
    outside = len(runs) and not (runs["human_minutes"].min() <= h <= runs["human_minutes"].max())
    text = duration(h) + ("*" if outside else "")
    if np.isfinite(lo) and np.isfinite(hi):
        text += f" [{duration(lo)}, {duration(hi)}]"
    return text


def horizon_display(mixed: pd.DataFrame, length: pd.DataFrame, tasks: pd.DataFrame,
                    p: float = 0.5) -> pd.DataFrame:
    """One row per model: METR's, length-error, baselined-only and mixed-model horizons (text).

    Parameters
    ----------
    mixed, length : :func:`~horizonlib.analyses.task_difficulty.compare_horizons` and
        :func:`~horizonlib.analyses.length_error.length_error_table` outputs.
    tasks : ``task_difficulty(...)["tasks"]`` (which tasks each model ran, its successes).
    p : success probability of the horizons shown.

    Returns
    -------
    pandas.DataFrame
        Indexed by (run file, model), models by METR's horizon; cells as :func:`_cell`:
        human working time with the interval in brackets, ``*`` for a horizon outside the
        lengths of the tasks the fit used (an extrapolation), ``< 1 s`` / ``> 1 work-month``
        for horizons beyond those bounds.
    """
    rows = []
    sel = length[np.isclose(length["p"], p)]
    for (ds, alias), g in sel.groupby(["dataset", "alias"], sort=True):
        v = g.set_index("variant")
        ran = tasks[(tasks["dataset"] == ds) & (tasks["alias"] == alias)]
        base = ran[ran["human_source"] == "baseline"]
        cell = lambda name, r=ran: (_cell(v.loc[name, "horizon_min"], v.loc[name, "ci_low_min"],  # noqa: E731
                                          v.loc[name, "ci_high_min"], r) if name in v.index else "—")
        mx = mixed[(mixed["dataset"] == ds) & (mixed["alias"] == alias) & np.isclose(mixed["p"], p)]
        rows.append({"run file": dataset_label(ds), "model": g["display_name"].iloc[0],
                     "_ds": ds, "_order": v.loc["metr", "horizon_min"] if "metr" in v.index else np.nan,
                     "METR": cell("metr"), "with length error": cell("length_error"),
                     "baselined tasks only": cell("baselined_only", base),
                     "mixed model (typical task)": _cell(mx["horizon_min"].iloc[0], mx["ci_low_min"].iloc[0],
                                                         mx["ci_high_min"].iloc[0], ran) if len(mx) else "—"})
    table = pd.DataFrame(rows).sort_values(["_ds", "_order"], na_position="first", kind="stable")
    return table.drop(columns=["_ds", "_order"]).set_index(["run file", "model"])


def styled(table: pd.DataFrame):
    """The display table in the house style: run files grouped, cells padded."""
    return table.style.format(escape="html").format_index(escape="html").set_table_styles(
        [{"selector": "td, th", "props": "padding: 0.15em 0.6em; vertical-align: top;"}])


def left_out_text(left: pd.DataFrame) -> str:
    """Caption sentence naming the models a horizon figure leaves out (its
    :func:`~horizonlib.report.figures_difficulty.horizons_left_out` table)."""
    if left.empty:
        return "Every model is shown."
    items = [f"{r.display_name} ({dataset_label(r.dataset)}: "
             + ("no fit" if not np.isfinite(r.horizon_min) else
                f"METR's horizon {duration(r.horizon_min)}, an extrapolation far outside its tasks")
             + ")" for r in left.itertuples()]
    return f"Left out: {english_list(items)}; the table below lists them."
