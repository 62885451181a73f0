"""The answers page's question 6: how much do analysis choices move the focus model's horizon?

Presentation layer: from the ``multiverse`` results file, the range of the focus model's 50%
horizon over every specification, where METR's choices sit, and the single change that moves it
most.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import (
    DIMENSION_COLUMNS,
    is_metr_dimension,
    is_metr_specification,
)
from horizonlib.common.text import NOT_AVAILABLE
from horizonlib.report.multiverse_labels import level_label


def multiverse_answers(multiverse: pd.DataFrame, focus: str) -> dict:
    """Question 6: the focus model's p50 over every specification, where METR's sits, and the
    single choice that moves it most (median ratio, other choices held fixed)."""
    out = {"mv_n": NOT_AVAILABLE, "mv_range": NOT_AVAILABLE, "mv_metr": NOT_AVAILABLE,
           "mv_percentile": NOT_AVAILABLE, "mv_biggest": NOT_AVAILABLE}
    if multiverse.empty:
        return out
    rows = multiverse[(multiverse["display_name"] == focus)
                      & (multiverse["status"] == "ok")]
    if rows.empty:
        return out
    rows = rows[rows["dataset"] == rows["dataset"].iloc[0]]
    metr = rows[is_metr_specification(rows)]
    out["mv_n"] = f"{len(rows):,}"
    out["mv_range"] = f"{rows['p50_min'].min():,.1f} to {rows['p50_min'].max():,.1f} min"
    if not metr.empty:
        value = float(metr["p50_min"].iloc[0])
        out["mv_metr"] = f"{value:,.1f} min"
        out["mv_percentile"] = f"{100 * (rows['p50_min'] < value).mean():.0f}th"
    change = largest_single_change_of(rows)
    if change is not None:
        out["mv_biggest"] = (f"{level_label(change['dimension'], change['level'])} "
                             f"(× {change['ratio']:.2f} against METR's choices)")
    return out


def largest_single_change_of(rows: pd.DataFrame) -> dict | None:
    """Among specifications that differ from METR's in exactly one choice, the one whose 50%
    horizon differs most (by ratio) from METR's; the chapter's one-at-a-time comparison."""
    differs = pd.DataFrame({d: ~is_metr_dimension(rows, d) for d in DIMENSION_COLUMNS})
    n_diff = differs.sum(axis=1)
    head = rows[n_diff == 0]
    single = rows[(n_diff == 1) & np.isfinite(rows["p50_min"]) & (rows["p50_min"] > 0)]
    if head.empty or single.empty:
        return None
    ratio = single["p50_min"] / float(head["p50_min"].iloc[0])
    best = np.log(ratio).abs().idxmax()
    dimension = differs.columns[differs.loc[best]][0]
    return {"dimension": dimension, "level": rows.loc[best, dimension],
            "ratio": float(ratio[best])}
