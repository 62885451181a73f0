"""Exported results: the tidy CSV files every chapter writes under ``_build/results/``.

A rerun with the same parameters must give byte-identical files, so every table is written
with a fixed column order, rows sorted on its key columns, and floats with a fixed format
(8 significant digits). Appending tables (``ablations.csv``) replace the rows of the
``question`` being written, so re-executing one chapter does not duplicate rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

FLOAT_FORMAT = "%.8g"

#: Column order of each results file; a table missing a column is an error, extra columns too.
SCHEMAS: dict[str, list[str]] = {
    "horizons": ["dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min", "n_runs",
                 "n_tasks", "failed_replicates", "source"],
    "trend": ["window_start", "selection", "models", "doubling_days", "ci_low_days",
              "ci_high_days", "source"],
    "data_overview": ["dataset", "models", "runs", "tasks", "families", "min_human_minutes",
                      "max_human_minutes", "success_rate"],
    "success_by_length": ["dataset", "alias", "display_name", "bucket", "bucket_mid_minutes",
                          "n_runs", "n_tasks", "success_rate"],
}

#: Columns that identify a row of each file (the sort key).
KEYS: dict[str, list[str]] = {
    "horizons": ["source", "dataset", "model", "p"],
    "trend": ["source", "window_start", "selection"],
    "data_overview": ["dataset"],
    "success_by_length": ["dataset", "alias", "bucket_mid_minutes"],
}


def write_results(table: pd.DataFrame, name: str, results_dir: str | os.PathLike) -> Path:
    """Write ``table`` to ``<results_dir>/<name>.csv`` in its fixed schema and order.

    Parameters
    ----------
    table : the rows to write; must have exactly the columns of ``SCHEMAS[name]``.
    name : results file name without extension (a key of ``SCHEMAS``).
    results_dir : folder to write into (created if missing).

    Returns
    -------
    Path of the written file.
    """
    if name not in SCHEMAS:
        raise KeyError(f"unknown results file {name!r}; known: {sorted(SCHEMAS)}")
    expected = SCHEMAS[name]
    if sorted(table.columns) != sorted(expected):
        raise ValueError(
            f"results file {name}.csv expects columns {expected}, got {list(table.columns)}"
        )
    ordered = table[expected].sort_values(KEYS[name], kind="stable").reset_index(drop=True)
    path = Path(results_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary name first so a crash never leaves a half-written results file.
    tmp = path.with_suffix(".csv.tmp")
    ordered.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    tmp.replace(path)
    return path
