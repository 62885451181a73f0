"""What the multiverse's data choices do to the runs: success rules, task subsets, hack flags.

Each level of the ``success``, ``subset`` and ``hack_policy`` dimensions
(:mod:`horizonlib.analyses.multiverse.grid`) becomes, per run, an outcome ``y`` in [0, 1] and
whether the run is kept; the fits (:mod:`horizonlib.analyses.multiverse.fits`) weight the kept runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import NO_FLAGS


def load_hack_flags(path: str | Path | None) -> pd.DataFrame | None:
    """Per-run reward-hacking flags from a CSV file (``run_id`` and optionally ``dataset``).

    Parameters
    ----------
    path : str or Path or None
        CSV with a ``run_id`` column (one flagged run per row); ``None`` for no flags.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``run_id`` (str) and ``dataset`` (str, ``""`` = any dataset); None without flags.

    Raises
    ------
    ValueError
        When the file has no ``run_id`` column.
    """
    if path is None:
        return None
    flags = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "run_id" not in flags.columns:
        raise ValueError(f"{path}: hack-flag file needs a 'run_id' column, has {list(flags.columns)}")
    if "dataset" not in flags.columns:
        flags["dataset"] = ""
    return flags[["dataset", "run_id"]].reset_index(drop=True)


def flagged_runs(runs: pd.DataFrame, flags: pd.DataFrame | None) -> np.ndarray:
    """Boolean mask of the runs named in ``flags`` (by ``run_id``, within ``dataset`` if given)."""
    if flags is None or len(flags) == 0:
        return np.zeros(len(runs), dtype=bool)
    run_id = runs["run_id"].astype(str).to_numpy()
    dataset = runs["dataset"].astype(str).to_numpy()
    any_ds = set(flags.loc[flags["dataset"] == "", "run_id"])
    pairs = set(zip(flags.loc[flags["dataset"] != "", "dataset"],
                    flags.loc[flags["dataset"] != "", "run_id"]))
    return np.array([(r in any_ds) or ((d, r) in pairs) for d, r in zip(dataset, run_id)], dtype=bool)


def success_values(runs: pd.DataFrame, success: str) -> np.ndarray:
    """Outcome ``y`` in [0, 1] of every run under a success rule.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (``success`` 0/1, ``score`` continuous in [0, 1] or NaN).
    success : {"delivered", "score>=0.5", "score>=0.8", "fractional"}
        ``delivered``: the file's binarized score. ``score>=t``: 1 when the continuous score is at
        least ``t``. ``fractional``: the continuous score itself, clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        float64; NaN where the rule needs a score the file lacks.
    """
    if success == "delivered":
        return runs["success"].to_numpy(dtype=float)
    score = runs["score"].to_numpy(dtype=float)
    if success == "fractional":
        return np.clip(score, 0.0, 1.0)
    if success.startswith("score>="):
        threshold = float(success.split(">=", 1)[1])
        with np.errstate(invalid="ignore"):
            return np.where(np.isnan(score), np.nan, (score >= threshold).astype(float))
    raise ValueError(f"unknown success rule {success!r}")


def subset_mask(runs: pd.DataFrame, subset: str) -> np.ndarray:
    """Boolean mask of the runs a task subset keeps.

    ``all``; ``no_rebench``: task_source != "RE-Bench"; ``hcast``: task_source == "HCAST";
    ``baseline_times``: human_source == "baseline" (measured human times only).
    """
    if subset == "all":
        return np.ones(len(runs), dtype=bool)
    if subset == "no_rebench":
        return (runs["task_source"] != "RE-Bench").to_numpy()
    if subset == "hcast":
        return (runs["task_source"] == "HCAST").to_numpy()
    if subset == "baseline_times":
        return (runs["human_source"] == "baseline").to_numpy()
    raise ValueError(f"unknown task subset {subset!r}")


def outcome_and_keep(runs: pd.DataFrame, success: str, hack_policy: str,
                     flagged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outcome and kept runs under one (success rule, hack policy).

    Returns
    -------
    (y, keep) : (numpy.ndarray, numpy.ndarray)
        ``y`` as :func:`success_values` with flagged runs re-scored (0 under ``failure``, 1 under
        ``success``); ``keep`` boolean, False for flagged runs under ``excluded``.
    """
    y = success_values(runs, success)
    keep = np.ones(len(runs), dtype=bool)
    if hack_policy == "failure":
        y = np.where(flagged, 0.0, y)
    elif hack_policy == "success":
        y = np.where(flagged, 1.0, y)
    elif hack_policy == "excluded":
        keep = ~flagged
    elif hack_policy != NO_FLAGS:
        raise ValueError(f"unknown hack policy {hack_policy!r}")
    return y, keep
