"""Which models the multiverse chapter studies and shows: eligibility, focus picks, labels.

A model enters the summaries only when its 50% horizon under METR's choices lies within the task
lengths it ran; the chapter then shows its focus and comparison models by display name.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.common.units import format_duration


def model_eligibility(table: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Which models have a usable horizon to study across specifications.

    A model is kept when its 50% horizon under METR's choices is finite and lies within the range
    of task lengths it ran (shortest to longest human time of its runs). Outside it the horizon is
    an extrapolation of a curve with almost no successes (or failures), and ratios between
    specifications of such a number (10^-30 minutes against 10^-14) mean nothing.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, model): ``dataset, model, display_name, headline`` (minutes),
        ``shortest_task``, ``longest_task`` (minutes), ``included`` (bool), ``reason`` (text;
        "" when included).
    """
    head = table[table["is_metr"].to_numpy(dtype=bool)].set_index(["dataset", "model"])
    ext = runs.groupby(["dataset", "alias"])["human_minutes"].agg(["min", "max"])
    ext.index = ext.index.set_names(["dataset", "model"])
    out = head[["display_name", "p50_min"]].join(ext, how="left").reset_index()
    out = out.rename(columns={"p50_min": "headline", "min": "shortest_task",
                              "max": "longest_task"})
    h = out["headline"].to_numpy(dtype=float)
    finite = np.isfinite(h) & (h > 0)
    inside = finite & (h >= out["shortest_task"].to_numpy(float)) & \
        (h <= out["longest_task"].to_numpy(float))
    reason = np.where(~finite, "no finite 50% horizon under METR's choices",
                      np.where(~inside, [f"50% horizon under METR's choices ({format_duration(v)}) "
                                         f"outside the task lengths it ran ({format_duration(a)} to "
                                         f"{format_duration(b)})"
                                         for v, a, b in zip(h, out["shortest_task"],
                                                            out["longest_task"])], ""))
    out["included"] = inside
    out["reason"] = reason
    return out[["dataset", "model", "display_name", "headline", "shortest_task", "longest_task",
                "included", "reason"]]


def included_rows(frame: pd.DataFrame, eligibility: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``frame`` (``dataset``, ``model`` columns) whose model is included."""
    keep = eligibility.loc[eligibility["included"], ["dataset", "model"]]
    return frame.merge(keep, on=["dataset", "model"]).reset_index(drop=True)


def pick_models(table: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The (dataset, model, display_name) rows whose display name is in ``names`` (in that order;
    a name present in several datasets gives one row per dataset). Missing names are skipped."""
    models = table[["dataset", "model", "display_name"]].drop_duplicates()
    parts = [models[models["display_name"] == n].sort_values("dataset") for n in names]
    parts = [p for p in parts if len(p)]
    if not parts:
        return models.iloc[0:0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def choose_models(table: pd.DataFrame, focus: Sequence[str],
                  comparison: Sequence[str] = ()) -> pd.DataFrame:
    """Models a chapter shows: the focus and comparison models present in ``table``.

    When none of ``focus`` is present, the model with the longest headline 50% horizon stands in
    (the chapter says so). Returns :func:`pick_models` rows plus ``label`` and ``role``
    (``focus`` / ``comparison`` / ``stand-in``).
    """
    picks = pick_models(table, list(focus)).assign(role="focus")
    if picks.empty:
        head = table[table["is_metr"]].sort_values("p50_min", ascending=False, na_position="last")
        picks = head[["dataset", "model", "display_name"]].head(1).assign(role="stand-in")
    comp = pick_models(table, [c for c in comparison if c not in set(focus)]).assign(role="comparison")
    out = pd.concat([picks, comp], ignore_index=True).drop_duplicates(["dataset", "model"])
    return add_labels(out, table).reset_index(drop=True)


def choose_focus_models(table: pd.DataFrame, focus: Sequence[str],
                        comparison: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`choose_models` with one row per display name, in the focus model's dataset if possible.

    A comparison model measured in several datasets (o1-preview in the pre-paper and the Time
    Horizon 1.1 files) is shown from the dataset that holds the first focus model, so the
    comparison is within one suite; otherwise from its first dataset.
    """
    picks = choose_models(table, focus, comparison)
    if picks.empty:
        return picks
    home = picks.iloc[0]["dataset"]
    rank = (picks["dataset"] != home).astype(int)
    picks = picks.assign(_rank=rank, _order=np.arange(len(picks)))
    picks = picks.sort_values(["_rank", "_order"]).drop_duplicates("display_name")
    return picks.sort_values("_order").drop(columns=["_rank", "_order"]).reset_index(drop=True)


def add_labels(frame: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Add a ``label`` column ``"<display name> (<dataset>)"`` to a per-model summary.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has ``dataset`` and ``model`` columns (e.g.
        :func:`~horizonlib.analyses.multiverse.summaries.headline_position` output).
    table : pandas.DataFrame
        A :func:`~horizonlib.analyses.multiverse.fits.fit_multiverse` table (for the display
        names).
    """
    names = table.drop_duplicates(["dataset", "model"]).set_index(["dataset", "model"])["display_name"]
    keys = pd.MultiIndex.from_frame(frame[["dataset", "model"]])
    shown = names.reindex(keys).to_numpy(dtype=object)
    return frame.assign(label=[f"{n} ({d})" for n, d in zip(shown, frame["dataset"])])


def missing_models(table: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Display names in ``names`` that no model of ``table`` carries (for a visible note)."""
    present = set(table["display_name"])
    return [n for n in names if n not in present]
