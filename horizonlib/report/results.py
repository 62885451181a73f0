"""Exported results: the tidy CSV files every chapter writes under ``_build/results/``.

A rerun with the same parameters must give byte-identical files, so every table is written
with a fixed column order, rows sorted on its key columns, and floats with a fixed format
(8 significant digits). Files that several chapters add to (``ablations.csv``, ``trend.csv``)
are updated by key with :func:`append_results`: rows with the same key are replaced, so
re-executing one chapter never duplicates rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

FLOAT_FORMAT = "%.8g"

#: Column order of each results file; a table missing a column is an error, extra columns too.
SCHEMAS: dict[str, list[str]] = {
    "horizons": ["dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min",
                 "ci_low_mc_se_min", "ci_high_mc_se_min", "n_runs", "n_tasks", "n_replicates",
                 "failed_replicates", "source"],
    "trend": ["window_start", "selection", "models", "doubling_days", "ci_low_days",
              "ci_high_days", "source"],
    "data_overview": ["dataset", "models", "runs", "tasks", "families", "min_human_minutes",
                      "max_human_minutes", "success_rate"],
    "success_by_length": ["dataset", "alias", "display_name", "bucket", "bucket_mid_minutes",
                          "n_runs", "n_tasks", "success_rate"],
    "rebench": ["model", "task_id", "task_set", "mean_score", "ci_low", "ci_high", "n_runs"],
    "influence": ["model", "dropped", "level", "p50_min", "ratio_to_full"],
    "ablations": ["question", "model", "variant", "metric", "estimate", "ci_low", "ci_high"],
    # one row per (specification, dataset, model); dataset is needed: a model is (dataset, alias)
    "multiverse": ["weighting", "regularization", "success", "subset", "link", "hack_policy",
                   "dataset", "model", "status", "p50_min", "p80_min"],
    "multiverse_trend": ["weighting", "regularization", "success", "subset", "link",
                         "hack_policy", "dataset", "window_start", "selection", "n_models",
                         "doubling_days"],
    # chapters/template.md (the fork template, off by default): horizons at its own percents
    "template": ["dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min",
                 "ci_low_mc_se_min", "ci_high_mc_se_min", "n_runs", "n_tasks", "n_replicates",
                 "failed_replicates", "source"],
}

#: Columns that identify a row of each file (the sort key).
KEYS: dict[str, list[str]] = {
    "horizons": ["source", "dataset", "model", "p"],
    "trend": ["source", "window_start", "selection", "models"],
    "data_overview": ["dataset"],
    "success_by_length": ["dataset", "alias", "bucket_mid_minutes"],
    "rebench": ["task_set", "model", "task_id"],
    "influence": ["model", "level", "dropped"],
    "ablations": ["question", "model", "variant", "metric"],
    "multiverse": ["weighting", "regularization", "success", "subset", "link", "hack_policy",
                   "dataset", "model"],
    "multiverse_trend": ["weighting", "regularization", "success", "subset", "link",
                         "hack_policy", "dataset", "window_start", "selection"],
    "template": ["source", "dataset", "model", "p"],
}

#: Files that several chapters add rows to; the others are written whole by one chapter.
SHARED = {"trend", "ablations"}


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


def append_results(table: pd.DataFrame, name: str, results_dir: str | os.PathLike) -> Path:
    """Add ``table``'s rows to ``<results_dir>/<name>.csv``, replacing rows with the same key.

    Used for the files several chapters write to (``SHARED``); the key columns are
    ``KEYS[name]``. The result is written exactly as :func:`write_results` writes.
    """
    path = Path(results_dir) / f"{name}.csv"
    if path.exists():
        # Keys are compared as text so a float written and read back matches itself.
        existing = pd.read_csv(path, dtype=str, keep_default_na=False)
        new_keys = set(map(tuple, _key_text(table, name).to_numpy()))
        keep = [tuple(row) not in new_keys for row in existing[KEYS[name]].to_numpy()]
        table = pd.concat([existing[keep], _as_text(table, name)], ignore_index=True)
    return write_results(table, name, results_dir)


def _as_text(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table's cells as the exact strings ``write_results`` would write."""
    text = table[SCHEMAS[name]].copy()
    for column in text.columns:
        values = text[column]
        if pd.api.types.is_float_dtype(values):
            text[column] = [("" if pd.isna(v) else FLOAT_FORMAT % v) for v in values]
        else:
            text[column] = ["" if pd.isna(v) else str(v) for v in values]
    return text


def _key_text(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return _as_text(table, name)[KEYS[name]]
