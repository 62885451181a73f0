"""Reading the results files back for the answers page: tables, model labels, one question's rows.

Presentation layer. Every chapter writes its key numbers under ``results_dir`` (see
:mod:`horizonlib.report.results`); the answers modules (:mod:`horizonlib.report.answers` and the
``answers_*`` modules of each question) look them up here, so nothing is recomputed and the
answers page cannot disagree with the chapters it links to.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.data.runs import display_name


def read_results(results_dir: str | os.PathLike, names) -> dict[str, pd.DataFrame]:
    """Read the results files ``<results_dir>/<name>.csv``; a missing one is an empty table.

    A missing file means the chapter that writes it was not built (for example a build
    restricted with ``chapters``); the answers that need it then read "not available".
    """
    out = {}
    for name in names:
        path = Path(results_dir) / f"{name}.csv"
        out[name] = pd.read_csv(path) if path.is_file() else pd.DataFrame(
            columns=["question", "model", "variant", "metric", "estimate", "ci_low", "ci_high"])
    return out


def label_display(label: str) -> str:
    """Display name of a results-file model label (``"o3 (Inspect) [th-1-1]"`` -> ``"o3"``)."""
    return display_name(re.sub(r"\s*\[[^\]]*\]$", "", str(label)))


def label_dataset(label: str) -> str | None:
    """Dataset of a results-file model label (``"o3 (Inspect) [th-1-1]"`` -> ``"th-1-1"``)."""
    match = re.search(r"\[([^\]]*)\]$", str(label))
    return match.group(1) if match else None


def rows_of(ablations: pd.DataFrame, question: str, metric: str, variant: str | None = None,
            model: str | None = None) -> pd.DataFrame:
    """Rows of one question and metric; ``model`` matches a display name or a pair label."""
    rows = ablations[(ablations["question"] == question) & (ablations["metric"] == metric)]
    if variant is not None:
        rows = rows[rows["variant"] == variant]
    if model is not None:
        shown = rows["model"].map(label_display)
        rows = rows[(shown == model) | (rows["model"] == model)]
    return rows


def estimate_of(rows: pd.DataFrame) -> tuple[float, float, float]:
    """``(estimate, ci_low, ci_high)`` of the first row; NaNs when there is none."""
    if rows.empty:
        return np.nan, np.nan, np.nan
    row = rows.iloc[0]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
