"""Estimated against planted horizons, for runs simulated by :mod:`horizonlib.data.simulate`
(analyses layer).

On synthetic runs the truth is known: the planted 50% horizons (minutes) and doubling time
(days). :func:`planted_comparison` sets the fitted horizons and their intervals against them,
with and without the penalty; :func:`planted_sentence` says what that shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import plural
from horizonlib.data.simulate import DOUBLING_TIME_DAYS, PLANTED


def planted_comparison(horizons: pd.DataFrame, unpenalized: pd.DataFrame) -> pd.DataFrame:
    """Estimated against planted 50% horizons, for runs simulated by :mod:`horizonlib.data.simulate`.

    Parameters
    ----------
    horizons : :func:`horizonlib.model.horizons.horizon_table` output (the edition's penalty).
    unpenalized : :func:`horizonlib.model.horizons.fit_horizons` output with ``regularization=0``.

    Returns
    -------
    DataFrame with ``model, planted_p50_min, p50_min, ci_low_min, ci_high_min, covered,
    unpenalized_p50_min``; empty when no configured model is a simulated one.
    """
    truth = PLANTED.set_index("alias")["p50_min"]
    ours = horizons[(horizons["p"] == 0.5) & horizons["model"].isin(truth.index)]
    free = unpenalized[unpenalized["alias"].isin(truth.index)][["dataset", "alias", "p50_min"]]
    merged = ours.merge(free.rename(columns={"alias": "model", "p50_min": "unpenalized_p50_min"}),
                        on=["dataset", "model"], how="left")
    planted = truth.reindex(merged["model"]).to_numpy()
    return pd.DataFrame({
        "model": merged["model"].to_numpy(),
        "planted_p50_min": planted,
        "p50_min": merged["horizon_min"].to_numpy(),
        "ci_low_min": merged["ci_low_min"].to_numpy(),
        "ci_high_min": merged["ci_high_min"].to_numpy(),
        "covered": ((merged["ci_low_min"].to_numpy() <= planted)
                    & (planted <= merged["ci_high_min"].to_numpy())),
        "unpenalized_p50_min": merged["unpenalized_p50_min"].to_numpy(),
    })


def planted_sentence(comparison: pd.DataFrame, regularization: float,
                     trend: pd.DataFrame) -> str:
    """What the known truth says about the fit (empty when the runs are not simulated).

    ``trend`` is :func:`horizonlib.analyses.headline.trend.trend_tables` output; its fitted
    frontier rows are set against the
    planted doubling time.
    """
    if comparison.empty:
        return ""
    fitted = trend[(trend["source"] == "fitted") & (trend["selection"] == "frontier")
                   & trend["models"].map(lambda m: set(str(m).split(";")) <= set(PLANTED["alias"]))]
    doubling = "".join(
        f" From {r.window_start}, the fitted doubling time is {r.doubling_days:.0f} days (interval "
        f"{r.ci_low_days:.0f} to {r.ci_high_days:.0f}) against the planted "
        f"{DOUBLING_TIME_DAYS:.0f}." for r in fitted.itertuples())
    covered = int(comparison["covered"].sum())
    log_err = np.log2(comparison["p50_min"] / comparison["planted_p50_min"])
    free_err = np.log2(comparison["unpenalized_p50_min"] / comparison["planted_p50_min"])
    return (
        f"These runs are simulated from planted curves, so the truth is known: the interval "
        f"covers the planted 50% horizon for {covered} of {plural(len(comparison), 'model')}. "
        f"With the penalty λ = {regularization:g} the median estimate is "
        f"{2 ** float(np.median(log_err)):.2f} times the planted value; without it, "
        f"{2 ** float(np.median(free_err)):.2f} times. The penalty flattens the curves, and a "
        "flatter curve crosses 50% further from the middle of the task lengths." + doubling)
