"""Rows of the shared ``ablations.csv`` (analyses layer): one model, one variant, one metric.

Every chapter that adds to ``ablations.csv`` builds its rows here, so the model is always named
the same way: ``dataset`` (run file or published file), ``alias`` (the model's name in it) and
``display_name`` (for reading). The file's columns and meaning are documented in
:mod:`horizonlib.report.results_schema`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.data.runs import display_name

ABLATION_COLUMNS = ["question", "dataset", "alias", "display_name", "variant", "metric",
                    "estimate", "ci_low", "ci_high"]


def ablation_row(question: str, dataset: str, alias: str, variant: str, metric: str,
                 estimate: float, ci_low: float = np.nan, ci_high: float = np.nan) -> dict:
    """One row: the model ``(dataset, alias)`` under ``variant``; ``metric`` in its own unit."""
    return {"question": question, "dataset": str(dataset), "alias": str(alias),
            "display_name": display_name(str(alias)), "variant": variant, "metric": metric,
            "estimate": float(estimate), "ci_low": float(ci_low), "ci_high": float(ci_high)}


def ablation_frame(rows: list[dict]) -> pd.DataFrame:
    """The rows as a table in :data:`ABLATION_COLUMNS` order (empty table when no rows)."""
    return pd.DataFrame(rows, columns=ABLATION_COLUMNS)
