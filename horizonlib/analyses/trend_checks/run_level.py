"""Frontier doubling times fitted to the run files, one dataset at a time (analyses layer).

The fit chapter's trend ``ln(p50 minutes) = a + b * days_since_1970``, doubling time ``ln 2 / b``
days (:func:`horizonlib.analyses.headline.trend.trend_tables`), on the horizons fitted to one
dataset's runs with their paired bootstrap: what the run files themselves say about the trend.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from horizonlib.analyses.ablations import ablation_frame, ablation_row
from horizonlib.analyses.headline.trend import trend_tables
from horizonlib.model.horizons import horizon_table


def run_level_doubling(
    runs: pd.DataFrame,
    release_dates: pd.Series,
    windows: Sequence,
    samples: pd.DataFrame,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    confidence_level: float = 0.95,
    focus: str | None = None,
) -> pd.DataFrame:
    """Frontier doubling times fitted to the run files, one dataset at a time.

    The same computation as the fit chapter
    (:func:`horizonlib.analyses.headline.trend.trend_tables` on our
    fits with their paired bootstrap), restricted to one dataset: the last dataset holding
    ``focus`` (or the last dataset when ``focus`` is absent or None). Pass the fit chapter's
    bootstrap ``samples`` (same seed, same runs) and the numbers are the fit chapter's.

    Parameters
    ----------
    samples : pandas.DataFrame
        :func:`horizonlib.model.bootstrap.bootstrap_horizons` of ``runs`` (must include p = 0.5).

    Returns
    -------
    pandas.DataFrame
        Rows of the ``trend`` table (``source = "fitted"``, selection ``frontier``) with a
        ``dataset`` column; empty when no dataset has two dated frontier models.
    """
    horizons = horizon_table(runs, weighting, regularization, (50,),
                             confidence_level=confidence_level, samples=samples)
    tab = trend_tables(horizons, samples, release_dates, None, None, windows, ("frontier",),
                       confidence_level)
    datasets = list(pd.unique(runs["dataset"]))
    holding = (runs.loc[(runs["display_name"] == focus) | (runs["alias"] == focus), "dataset"]
               if focus is not None else pd.Series(dtype=str))
    chosen = ([d for d in datasets if d in set(holding)] or datasets)[-1]
    return tab[tab["dataset"] == chosen].reset_index(drop=True)


#: Variant of the run-level trend's per-model rows in ``ablations.csv``.
RUN_LEVEL_MODEL = "run_level_trend"


def run_level_horizon_rows(
    runs: pd.DataFrame,
    run_level: pd.DataFrame,
    samples: pd.DataFrame,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Rows of ``ablations.csv``: the 50% horizon (minutes) of every model a run-level trend uses.

    Parameters
    ----------
    run_level : :func:`run_level_doubling` output (``dataset`` and ``;``-joined aliases).
    samples : the bootstrap samples that trend used (the interval comes from them).

    Returns
    -------
    Rows (question ``trend``, variant :data:`RUN_LEVEL_MODEL`, metric ``p50_min``), one per
    ``(dataset, alias)``.
    """
    wanted = {(str(d), a) for d, models in zip(run_level["dataset"], run_level["models"])
              for a in str(models).split(";") if a}
    mine = runs[[(d, a) in wanted for d, a in zip(runs["dataset"], runs["alias"])]]
    if mine.empty:
        return ablation_frame([])
    horizons = horizon_table(mine, weighting, regularization, (50,),
                             confidence_level=confidence_level, samples=samples)
    return ablation_frame([
        ablation_row("trend", r["dataset"], r["model"], RUN_LEVEL_MODEL, "p50_min",
                     r["horizon_min"], r["ci_low_min"], r["ci_high_min"])
        for _, r in horizons.iterrows()])
