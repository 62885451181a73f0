"""Presentation layer: every number and sentence the breakdowns chapter's prose quotes.

:func:`chapter_numbers` gathers them from the tables of :mod:`horizonlib.analyses.breakdowns`
(RE-Bench scores and means, weight shares, subset fits, leave-one-out influence, calibration,
predicted against observed success) as text for ``glue``; :func:`calibration_numbers` those of
the predicted-against-observed table.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.influence import top_movers
from horizonlib.analyses.breakdowns.selection import (
    MIN_LOG2_SPREAD,
    MODEL_KEY,
    REBENCH,
    REBENCH_ONLY,
)
from horizonlib.analyses.breakdowns.subsets import kernel_models, prediction_table
from horizonlib.common.text import count_of
from horizonlib.report.breakdowns.tables import focus_fit_table, focus_rebench_table
from horizonlib.report.breakdowns.wording import pick_text, rebench_rank_text


def calibration_numbers(table: pd.DataFrame, models: Sequence[str]) -> dict[str, str]:
    """What the predicted-against-observed table says, as text for the prose.

    Parameters
    ----------
    table : :func:`prediction_table` output.
    models : display names to quote as examples (those present are quoted).

    Returns
    -------
    dict
        ``n_pred_models`` (models with RE-Bench runs), ``n_overpredicted`` and
        ``n_overpredicted_oos`` (models whose observed success is below the all-task and the
        without-RE-Bench prediction), ``median_gap`` (median of predicted − observed, percentage
        points), ``calib_examples`` ("o3: predicted 24%, observed 15%; …"). Without data every
        value is :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE

    keys = ["n_pred_models", "n_overpredicted", "n_overpredicted_oos", "median_gap",
            "calib_examples"]
    if table.empty:
        out = dict.fromkeys(keys, NOT_AVAILABLE)
        out["overpredicted_text"] = ("No model has RE-Bench runs to compare with the curves' "
                                     "predictions")
        return out
    over = int((table["predicted_all"] > table["observed"]).sum())
    over_oos = int((table["predicted_without"] > table["observed"]).sum())
    examples = [f"{r.model} ({r.dataset}): predicted {100 * r.predicted_all:.0f}%, observed "
                f"{100 * r.observed:.0f}%"
                for m in models for r in table[table["model"] == m].itertuples(index=False)]
    n = len(table)
    return {"n_pred_models": str(n), "n_overpredicted": str(over),
            "n_overpredicted_oos": str(over_oos),
            "overpredicted_text": (
                f"For {count_of(over, n, 'model with RE-Bench runs', 'models with RE-Bench runs')}"
                " the observed success rate is below the all-task curve's prediction (for "
                f"{count_of(over_oos, n, 'model', 'models')}, below the out-of-sample "
                "prediction)"),
            "median_gap": f"{100 * float(table['gap'].median()):.0f} percentage points",
            "calib_examples": "; ".join(examples) if examples else NOT_AVAILABLE}


def _range_text(values, fmt) -> str:
    from horizonlib.common.text import NOT_AVAILABLE

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return NOT_AVAILABLE
    low, high = fmt(v.min()), fmt(v.max())
    return low if low == high else f"{low} to {high}"


def chapter_numbers(
    scores: pd.DataFrame, means: pd.DataFrame, shares: pd.DataFrame, fits: pd.DataFrame,
    influence: pd.DataFrame, cal_source: pd.DataFrame, spread: pd.DataFrame,
    predictions: pd.DataFrame, models: Sequence[str], kernel_task: str | None,
) -> dict[str, str]:
    """Every number the breakdowns chapter's prose quotes, as text with units.

    Parameters
    ----------
    scores, means : :func:`rebench_task_scores`, :func:`rebench_means`.
    shares : :func:`weight_share`.
    fits : :func:`subset_fits` (with the ``without <kernel_task>`` subset).
    influence : :func:`leave_one_out_levels`.
    cal_source : :func:`calibration` by source.
    spread : :func:`rebench_spread`.
    predictions : :func:`rebench_predictions`.
    models : the question's display names; the first is the focus model.
    kernel_task : the task id of the kernel question.

    Returns
    -------
    dict of str -> str
        The same keys in every edition; a number the data cannot give is
        :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE as NA

    focus = models[0] if len(models) else NA
    fit_focus = focus_fit_table(fits, shares, influence, [focus], kernel_task)
    rebench_focus = focus_rebench_table(means, [focus])
    pick = lambda table, col: pick_text(table, focus, col, NA)  # noqa: E731
    rb_shares = shares[shares["n_rebench_tasks"] > 0]
    rb_only = fits[fits["subset"] == REBENCH_ONLY] if len(fits) else fits
    ran = kernel_models(fits, kernel_task)
    task_movers = top_movers(influence[influence["level"] == "task"], 1) if len(influence) \
        else influence
    rb_gap = cal_source.loc[cal_source["group"] == REBENCH, "gap"].abs()
    pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    log2 = lambda v: f"{v:.2f}"  # noqa: E731
    n_rb_sets = scores.groupby(MODEL_KEY).ngroups if len(scores) else 0
    out = {
        "focus": focus,
        "kernel_task": kernel_task or NA,
        "rebench_sets": "; ".join(sorted(scores["task_set"].unique())) if len(scores) else NA,
        "n_rebench_models": str(n_rb_sets),
        "focus_rank": rebench_rank_text(means, focus) if len(means) else NA,
        "focus_rb_mean": pick(rebench_focus, "RE-Bench mean, all tasks"),
        "focus_share": pick(fit_focus, "RE-Bench share of fit weight"),
        "focus_p50_all": pick(fit_focus, "p50, all tasks"),
        "focus_p50_norb": pick(fit_focus, "p50, without RE-Bench"),
        "focus_p50_rb": pick(fit_focus, "p50, RE-Bench only"),
        "focus_p50_nokernel": pick(fit_focus, "p50, without kernel task"),
        "focus_mover": pick(fit_focus, "largest single-task mover"),
        "share_range": _range_text(rb_shares["weight_share"], pct),
        "run_share_max": (NA if rb_shares.empty else f"{100 * rb_shares['run_share'].max():.0f}%"),
        "spread_rb_max": _range_text(spread["rebench_log2_spread"], log2).split(" to ")[-1],
        "spread_rb_factor": (NA if spread.empty else
                             f"{2 ** spread['rebench_log2_spread'].max():.2f}"),
        "spread_all_min": (NA if spread.empty else f"{spread['all_log2_spread'].min():.1f}"),
        "spread_threshold": f"{MIN_LOG2_SPREAD:.1f}",
        "n_rb_only": str(len(rb_only)),
        "n_rb_unidentified": str(int((rb_only["status"] == "unidentified").sum())) if len(rb_only)
        else "0",
        "n_rb_degenerate": str(int(rb_only["status"].isin(["no_successes", "no_failures"]).sum()))
        if len(rb_only) else "0",
        "n_kernel_models": str(len(ran)),
        "kernel_ratio_range": _range_text(ran["ratio_to_all"] if len(ran) else [],
                                          lambda v: f"{v:.2f}"),
        "n_loo_models": str(influence.groupby(MODEL_KEY).ngroups if len(influence) else 0),
        "n_loo_refits": f"{len(influence):,}",
        "n_movers_rebench": str(int((task_movers["task_source"] == REBENCH).sum()))
        if len(task_movers) else "0",
        "n_movers": str(len(task_movers)),
        "median_mover_factor": (NA if task_movers.empty else
                                f"{2 ** task_movers['log2_ratio'].abs().median():.2f}"),
        "rb_gap_max": NA if rb_gap.dropna().empty else f"{100 * rb_gap.max():.0f} percentage points",
    }
    n_movers = len(task_movers)
    n_rb_movers = int((task_movers["task_source"] == REBENCH).sum()) if n_movers else 0
    out["movers_text"] = (
        "The single most influential task is an RE-Bench task for "
        f"{count_of(n_rb_movers, n_movers, 'model')}"
        + (f"; for the median model, dropping its most influential task changes the horizon by "
           f"a factor of {2 ** task_movers['log2_ratio'].abs().median():.2f}."
           if n_movers else "."))
    n_loo = influence.groupby(MODEL_KEY).ngroups if len(influence) else 0
    out["loo_models_text"] = ("the one model with run data" if n_loo == 1 else
                              "each model with run data (there are none)" if n_loo == 0 else
                              f"each of the {n_loo} models with run data")
    out["kernel_models_text"] = ("the one model that ran it" if len(ran) == 1 else
                                 "no model, none having run it" if len(ran) == 0 else
                                 f"the {len(ran)} models that ran it")
    out.update(calibration_numbers(prediction_table(predictions), models))
    return {k: (NA if v in ("not available", "n/a", "") else v) for k, v in out.items()}
