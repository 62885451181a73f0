"""Words of the multiverse chapter: names of dimensions and levels, ratios, ranks, trend labels.

Presentation layer, shared by the chapter's prose (:mod:`horizonlib.report.multiverse`), its
display tables (:mod:`horizonlib.report.multiverse_tables`), its figures
(:mod:`horizonlib.report.figures_multiverse`) and the answers page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import NO_FLAGS

#: Words for each dimension in prose.
DIMENSION_NAMES = {"weighting": "task weighting", "regularization": "regularization",
                   "success": "success rule", "subset": "task subset", "link": "link function",
                   "hack_policy": "reward-hack policy", "interactions": "interactions"}


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


def times_text(v: float) -> str:
    """A ratio as ``"×1.52"`` (``"n/a"`` when not finite)."""
    return f"×{v:.2f}" if np.isfinite(v) else "n/a"


def ordinal_text(k: float) -> str:
    """A rank or percentile as an English ordinal (``"3rd"``, ``"12th"``; ``"n/a"`` if not finite)."""
    if not np.isfinite(k):
        return "n/a"
    k = int(round(k))
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def trend_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``label`` = "dataset, from <window start>, <selection> models" to a trend summary."""
    return frame.assign(label=frame["dataset"] + ", from " + frame["window_start"].astype(str)
                        + ", " + frame["selection"] + " models")
