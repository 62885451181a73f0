"""The multiverse's grid: its dimensions, their levels, and the specifications they combine to.

Dimensions (METR's headline choice first):

* ``weighting``: ``invsqrt_task_weight`` | ``equal_task_weight`` | ``none``
  (:mod:`horizonlib.model.weights`);
* ``regularization``: 0.1 | 0.01 | 0 (L2 penalty on the slope, :mod:`horizonlib.model.logistic`);
* ``success``: ``delivered`` (the file's binarized score) | ``score>=0.5`` | ``score>=0.8`` |
  ``fractional`` (``y`` = the continuous score in ``[0, 1]`` in the weighted fit);
* ``subset``: ``all`` | ``no_rebench`` (task_source != "RE-Bench") | ``hcast`` (task_source ==
  "HCAST") | ``baseline_times`` (human_source == "baseline": measured, not estimated, times);
* ``link``: ``logistic`` | ``probit`` (:mod:`horizonlib.model.probit`);
* ``hack_policy`` (only when per-run reward-hacking flags are given): ``failure`` (METR: a
  flagged run counts as a failure) | ``success`` (counts as the success its checker scored) |
  ``excluded`` (dropped). Without flags the column is ``as_delivered``.

A specification is one level of every dimension; the grid is their full factorial. Which runs
and outcomes a level means is in :mod:`horizonlib.analyses.multiverse.outcomes`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Levels of every dimension; the first level is METR's headline choice.
DIMENSIONS: dict[str, tuple] = {
    "weighting": ("invsqrt_task_weight", "equal_task_weight", "none"),
    "regularization": (0.1, 0.01, 0.0),
    "success": ("delivered", "score>=0.5", "score>=0.8", "fractional"),
    "subset": ("all", "no_rebench", "hcast", "baseline_times"),
    "link": ("logistic", "probit"),
    "hack_policy": ("failure", "success", "excluded"),
}
#: Dimension columns of every multiverse table, in order.
DIMENSION_COLUMNS = list(DIMENSIONS)
#: ``hack_policy`` value when no reward-hacking flags are given (the data as delivered).
NO_FLAGS = "as_delivered"
#: METR's headline choice of each dimension.
METR_CHOICES: dict[str, object] = {d: levels[0] for d, levels in DIMENSIONS.items()}


def specification_grid(
    weighting: Sequence[str] = DIMENSIONS["weighting"],
    regularization: Sequence[float] = DIMENSIONS["regularization"],
    success: Sequence[str] = DIMENSIONS["success"],
    subset: Sequence[str] = DIMENSIONS["subset"],
    link: Sequence[str] = DIMENSIONS["link"],
    hack_policy: Sequence[str] | None = None,
) -> pd.DataFrame:
    """All combinations of the given levels (a full factorial grid).

    Parameters
    ----------
    weighting, regularization, success, subset, link : sequence
        Levels of each dimension (defaults: :data:`DIMENSIONS`).
    hack_policy : sequence of str, optional
        Reward-hack policies; ``None`` (no flags in the data) gives the single level
        :data:`NO_FLAGS`.

    Returns
    -------
    pandas.DataFrame
        One row per specification: ``spec`` (int, 0..S-1), one column per dimension, ``is_metr``
        (True for METR's headline choices, ``hack_policy`` ``failure`` or ``as_delivered``).
    """
    levels = {"weighting": list(weighting), "regularization": [float(r) for r in regularization],
              "success": list(success), "subset": list(subset), "link": list(link),
              "hack_policy": [NO_FLAGS] if hack_policy is None else list(hack_policy)}
    for dim, vals in levels.items():
        allowed = DIMENSIONS[dim] + ((NO_FLAGS,) if dim == "hack_policy" else ())
        if not vals:
            raise ValueError(f"dimension {dim!r} needs at least one level")
        if len(set(vals)) != len(vals):
            raise ValueError(f"duplicate levels in {dim!r}: {vals}")
        bad = [v for v in vals if (v not in allowed and dim != "regularization")]
        if bad:
            raise ValueError(f"unknown {dim} level(s) {bad}; allowed: {allowed}")
        if dim == "regularization" and any(not v >= 0 for v in vals):
            raise ValueError("regularization levels must be >= 0")
    grid = pd.DataFrame(list(itertools.product(*levels.values())), columns=list(levels))
    grid.insert(0, "spec", np.arange(len(grid)))
    grid["is_metr"] = is_metr_specification(grid)
    return grid


def is_metr_specification(frame: pd.DataFrame) -> pd.Series:
    """Rows of a multiverse table that use METR's headline choice on every dimension."""
    mask = pd.Series(True, index=frame.index)
    for dim in METR_CHOICES:
        mask &= is_metr_dimension(frame, dim)
    return mask


def one_at_a_time(grid: pd.DataFrame) -> pd.DataFrame:
    """METR's headline specification and every specification that differs from it in one choice.

    Returns
    -------
    pandas.DataFrame
        Rows of ``grid`` (same columns) plus ``changed`` (the dimension changed, ``"none"`` for
        the headline), headline first.
    """
    differs = pd.DataFrame({d: ~is_metr_dimension(grid, d) for d in DIMENSION_COLUMNS})
    n_diff = differs.sum(axis=1)
    out = grid[n_diff <= 1].copy()
    out["changed"] = [("none" if n == 0 else differs.columns[differs.loc[i]][0])
                      for i, n in n_diff[n_diff <= 1].items()]
    return out.sort_values(["is_metr", "spec"], ascending=[False, True]).reset_index(drop=True)


def is_metr_dimension(frame: pd.DataFrame, dim: str) -> pd.Series:
    """Rows of a multiverse table that use METR's choice on dimension ``dim``."""
    choice = METR_CHOICES[dim]
    if dim == "hack_policy":
        return frame[dim].isin([choice, NO_FLAGS])
    if dim == "regularization":
        return pd.Series(np.isclose(frame[dim].astype(float), float(choice), rtol=0, atol=1e-15),
                         index=frame.index)
    return frame[dim] == choice


def grid_summary(grid: pd.DataFrame) -> Mapping[str, int]:
    """Number of levels per dimension and of specifications (for prose)."""
    out = {d: int(grid[d].nunique()) for d in DIMENSION_COLUMNS}
    out["specifications"] = len(grid)
    return out
