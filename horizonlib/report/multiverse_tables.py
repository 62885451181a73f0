"""Display tables of the multiverse chapter: METR's position, single-choice effects, bootstrap CIs.

Presentation layer: turns :mod:`horizonlib.analyses.multiverse.summaries` and
:mod:`horizonlib.analyses.multiverse.bootstrap` tables into readable tables with durations,
``"×1.52"`` ratios and level labels (:mod:`horizonlib.report.multiverse_labels`) as cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS, DIMENSIONS
from horizonlib.common.units import format_duration
from horizonlib.report.multiverse_labels import (
    DIMENSION_NAMES,
    level_label,
    ordinal_text,
    times_text,
)


def position_display(position: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """:func:`~horizonlib.analyses.multiverse.summaries.headline_position` as a readable table
    (model and dataset in their own columns)."""
    names = table.drop_duplicates(["dataset", "model"]).set_index(["dataset", "model"])["display_name"]
    shown = names.reindex(pd.MultiIndex.from_frame(position[["dataset", "model"]])).to_numpy()
    return pd.DataFrame({
        "model": shown, "dataset": position["dataset"].to_numpy(),
        "METR's choices": position["headline"].map(format_duration).to_numpy(),
        "smallest": position["min"].map(format_duration).to_numpy(),
        "median": position["median"].map(format_duration).to_numpy(),
        "largest": position["max"].map(format_duration).to_numpy(),
        "largest ÷ smallest": position["max_over_min"].map(times_text).to_numpy(),
        "METR's percentile": position["percentile"].map(ordinal_text).to_numpy(),
    })


def _pick_columns(picks: pd.DataFrame) -> dict:
    """Column name per pick: the display name, with the dataset when a name repeats."""
    dup = picks["display_name"].duplicated(keep=False)
    return {(r.dataset, r.model): (f"{r.display_name} ({r.dataset})" if d else r.display_name)
            for r, d in zip(picks.itertuples(index=False), dup)}


def effects_display(effects: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """:func:`~horizonlib.analyses.multiverse.summaries.dimension_effects` of the picked models as
    a readable wide table.

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
        out[c] = [times_text(v) for v in wide[c].to_numpy(dtype=float)]
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
