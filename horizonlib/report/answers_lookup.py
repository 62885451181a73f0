"""Reading the results files back for the answers page: tables and one question's rows.

Presentation layer. Every chapter writes its key numbers under ``results_dir`` (see
:mod:`horizonlib.report.results`); the answers modules (:mod:`horizonlib.report.answers` and the
``answers_*`` modules of each question) look them up here, so nothing is recomputed and the
answers page cannot disagree with the chapters it links to. Models are picked by the
``display_name`` column (the names the parameters use) and joined on ``dataset, alias``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.report.results_schema import SCHEMA


def read_results(results_dir: str | os.PathLike, names) -> dict[str, pd.DataFrame]:
    """Read the results files ``<results_dir>/<name>.csv``; a missing one is an empty table.

    A missing file means the chapter that writes it was not built (for example a build
    restricted with ``chapters``); the answers that need it then read "not available".
    """
    out = {}
    for name in names:
        path = Path(results_dir) / f"{name}.csv"
        out[name] = (pd.read_csv(path)
                     if path.is_file() else pd.DataFrame(columns=SCHEMA[name].column_names))
    return out


def rows_of(ablations: pd.DataFrame, question: str, metric: str, variant: str | None = None,
            model: str | None = None) -> pd.DataFrame:
    """Rows of one question and metric; ``model`` matches a display name or an alias."""
    rows = ablations[(ablations["question"] == question) & (ablations["metric"] == metric)]
    if variant is not None:
        rows = rows[rows["variant"] == variant]
    if model is not None:
        rows = rows[(rows["display_name"] == model) | (rows["alias"] == model)]
    return rows


def estimate_of(rows: pd.DataFrame) -> tuple[float, float, float]:
    """``(estimate, ci_low, ci_high)`` of the first row; NaNs when there is none."""
    if rows.empty:
        return np.nan, np.nan, np.nan
    row = rows.iloc[0]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
