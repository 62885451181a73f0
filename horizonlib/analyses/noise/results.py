"""Rows of the noise chapter for the shared ``ablations.csv`` (analyses layer).

The paired differences (:func:`horizonlib.analyses.noise.pairs.compare_pairs`) and the interval
widths by resampling level (:func:`horizonlib.analyses.noise.levels.ci_width_by_level`) as rows of
``question, model, variant, metric, estimate, ci_low, ci_high``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def noise_ablation_rows(pairs: pd.DataFrame, widths: pd.DataFrame | None = None,
                        width_pair: tuple[str, str] | None = None) -> pd.DataFrame:
    """Rows for ``ablations.csv`` (``question = "noise"``).

    ``model`` is "a vs b"; ``variant`` is the source (runs or published) for the pair
    statistics, ``levels_<level>`` for the width decomposition; ``metric`` names the statistic
    (``p50_ratio``, ``p50_ratio_p_gt_1``, ``rebench_diff``, ``rebench_diff_p_gt_0``, ...,
    ``<metric>_ci_width``).
    """
    rows = []
    for _, r in pairs.iterrows():
        model = f"{r['model_a']} vs {r['model_b']}"
        rows.append({"question": "noise", "model": model, "variant": r["source"],
                     "metric": r["metric"], "estimate": r["estimate"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"]})
        suffix = "_p_gt_1" if r["metric"] == "p50_ratio" else "_p_gt_0"
        rows.append({"question": "noise", "model": model, "variant": r["source"],
                     "metric": r["metric"] + suffix, "estimate": r["p_positive"],
                     "ci_low": np.nan, "ci_high": np.nan})
    if widths is not None and width_pair is not None:
        model = f"{width_pair[0]} vs {width_pair[1]}"
        for _, r in widths.iterrows():
            rows.append({"question": "noise", "model": model, "variant": f"levels_{r['levels']}",
                         "metric": f"{r['metric']}_ci_width", "estimate": r["width"],
                         "ci_low": np.nan, "ci_high": np.nan})
    return pd.DataFrame(rows, columns=["question", "model", "variant", "metric", "estimate",
                                       "ci_low", "ci_high"])
