"""The answers page's question 4: is a pair of models' difference more than noise?

Presentation layer: paired horizon ratios and RE-Bench differences with their intervals, from the
``differences`` results file (pairs picked by display name), and whether each interval excludes
no difference, in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, phrase
from horizonlib.report.answers_lookup import estimate_of


def _metric(rows: pd.DataFrame, metric: str) -> tuple[float, float, float]:
    return estimate_of(rows[rows["metric"] == metric])


def noise_answers(differences: pd.DataFrame, focus: str, comparisons: list[str]) -> dict:
    """Question 4: paired horizon ratios and RE-Bench differences with their intervals.

    Run data are preferred (they give both the horizon ratio and the RE-Bench difference);
    METR's published samples, which carry horizons only, stand in when run data lack a model.
    """
    out = {}
    for i, other in enumerate((list(comparisons) + ["", ""])[:2]):
        pair = f"{focus} vs {other}" if focus and other else NOT_AVAILABLE
        rows = differences[(differences["display_name_a"] == focus)
                           & (differences["display_name_b"] == other)
                           & ~differences["variant"].astype(str).str.startswith("levels_")]
        variants = sorted(rows["variant"].unique(), key=lambda v: (not str(v).startswith("runs:"), v))
        variant = variants[0] if variants else None
        rows = rows[rows["variant"] == variant]
        ratio = _metric(rows, "p50_ratio")
        p_gt = _metric(rows, "p50_ratio_p_gt_1")[0]
        diff = _metric(rows, "rebench_diff")
        no_kernel = _metric(rows, "rebench_diff_no_kernel")
        out[f"noise_pair_{i}"] = pair
        out[f"noise_source_{i}"] = source_label(variant) if variant else NOT_AVAILABLE
        out[f"noise_ratio_{i}"] = phrase(*ratio, digits=2)
        out[f"noise_p_{i}"] = NOT_AVAILABLE if not np.isfinite(p_gt) else f"{100 * p_gt:.1f}%"
        out[f"noise_diff_{i}"] = phrase(*diff, digits=3)
        out[f"noise_diff_nk_{i}"] = phrase(*no_kernel, digits=3)
        out[f"noise_verdict_{i}"] = verdict(ratio[1], ratio[2], 1.0)
        out[f"noise_diff_verdict_{i}"] = verdict(diff[1], diff[2], 0.0)
        out[f"noise_sentence_{i}"] = noise_sentence(pair, variant, ratio, p_gt, diff, no_kernel)
    return out


def noise_sentence(pair: str, variant, ratio, p_gt: float, diff, no_kernel) -> str:
    """One sentence on a pair: horizon ratio, and the RE-Bench difference where measured."""
    if not np.isfinite(ratio[0]):
        return f"The configured data cannot compare {pair}." if pair != NOT_AVAILABLE else ""
    text = (f"For {pair} ({source_label(variant)}), the ratio of 50% horizons is "
            f"{phrase(*ratio, digits=2)}")
    if np.isfinite(p_gt):
        text += f", above 1 in {100 * p_gt:.1f}% of replicates"
    text += f": it {verdict(ratio[1], ratio[2], 1.0)}."
    if np.isfinite(diff[0]):
        text += (f" The difference of their RE-Bench means is {phrase(*diff, digits=3)}, which "
                 f"{verdict(diff[1], diff[2], 0.0)}"
                 + (f"; without the kernel task it is {phrase(*no_kernel, digits=3)}"
                    if np.isfinite(no_kernel[0]) else "") + ".")
    return text


def source_label(variant: str) -> str:
    """Words for a noise row's data source (``runs:<dataset>`` or ``published``)."""
    if str(variant).startswith("runs:"):
        return f"paired bootstrap of the run data of {variant.split(':', 1)[1]}"
    if variant == "published":
        return "METR's published paired bootstrap samples"
    return str(variant)


def verdict(low: float, high: float, null: float) -> str:
    """Whether an interval excludes the no-difference value ``null``, in words."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "cannot be judged with these data"
    if low > null or high < null:
        return "is distinguishable from no difference"
    return "is not distinguishable from no difference"
