"""METR's per-task "messiness" labels (March 2025 paper release): load and score them.

The manifest dataset ``messiness-paper`` holds ``messiness.csv``: one row per label record
(a labeller's judgement of one task), with 16 binary factors that make a task less like a
clean benchmark task (:data:`FACTORS`, e.g. "resource limited", "novel situation"). Rows with
an empty ``labeller`` are placeholders. The file's own summed column ("dumb sum of existent
realisticness factors") does not equal the sum of the factor columns on about two thirds of
the records, so the score is recomputed here:

    messiness(task) = mean over the task's completed, non-trash records of
                      (sum of the 16 factors of the record),   in [0, 16].

A factor left blank in a record counts as 0 in that record's sum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.data.fetch import resolve

#: The 16 factors of METR's paper (the sub-question "implicit generalizability requirements are
#: scored" refines one factor and is not counted).
FACTORS = (
    "real life source", "resource limited", "not easily resettable",
    "irreversible mistake availability", "dynamic environment", "difficult counterfactuals",
    "not purely automatic scoring", "implicit generalizability required",
    "non explicit scoring description", "is suboptimal behavior exploited",
    "no provided verification mechanisms", "realtime coordination",
    "self modification required", "self improvement required", "information seeking required",
    "novel situation",
)
REQUIRED = ("task id", "labeller", "is label record done", "is record trash") + FACTORS


def _flag(values: pd.Series) -> np.ndarray:
    """TRUE/FALSE text (any case; blank = False) as booleans."""
    return values.astype("str").str.strip().str.upper().eq("TRUE").to_numpy()


def load_messiness(name: str | Path = "messiness-paper", *, manifest=None, cache_dir=None,
                   mirror=None) -> pd.DataFrame:
    """Per-task messiness scores.

    Parameters
    ----------
    name : str or Path
        Manifest dataset (``messiness-paper``) or the path of a ``messiness.csv``.
    manifest, cache_dir, mirror
        Passed to :func:`horizonlib.data.fetch.resolve`.

    Returns
    -------
    pandas.DataFrame
        One row per labelled task, sorted by task_id: task_id, messiness (mean summed factors
        over records, 0-16), n_labels (records averaged).

    Raises
    ------
    ValueError
        A required column is missing, or a factor value is not 0, 1 or blank (the message names
        the file, the line and the column).
    """
    files = resolve(name, manifest, cache_dir, mirror)
    path = next((f for f in files if Path(f).name.startswith("messiness") and
                 not Path(f).name.startswith("messiness_tasks")), files[0])
    raw = pd.read_csv(path, dtype="str", keep_default_na=False)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{Path(path).name}: missing column(s) {missing}")
    keep = (raw["labeller"].str.strip() != "") & _flag(raw["is label record done"]) \
        & ~_flag(raw["is record trash"])
    records = raw[keep]
    values = np.zeros((len(records), len(FACTORS)))
    for j, factor in enumerate(FACTORS):
        col = records[factor].str.strip()
        bad = ~col.isin(["", "0", "1"])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            line = int(records.index[row]) + 2  # 1-based, after the header line
            raise ValueError(f"{Path(path).name}, line {line}, column '{factor}': value "
                             f"{col.iloc[row]!r} is not 0, 1 or blank")
        values[:, j] = (col == "1").to_numpy(dtype=float)
    scores = pd.DataFrame({"task_id": records["task id"].str.strip().to_numpy(),
                           "score": values.sum(axis=1)})
    out = scores.groupby("task_id", sort=True)["score"].agg(["mean", "size"]).reset_index()
    return out.rename(columns={"mean": "messiness", "size": "n_labels"})
