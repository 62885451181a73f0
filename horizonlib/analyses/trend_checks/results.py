"""Results rows of the trend chapter (analyses layer).

The trend checks (:func:`horizonlib.analyses.trend_checks.checks.check_trend`) name models as the
trend inputs do: METR's agent names (published horizons) or display names (horizons fitted to the
run files, each taken from the last run file holding it,
:func:`horizonlib.analyses.trend_checks.samples.trend_inputs`). Here they get their keys back:
``dataset`` and ``alias`` of the measurement (:func:`model_keys`), for

* ``trend.csv``: the doubling times (:func:`trend_rows`);
* ``trend_checks.csv``: properties of a line, not of a model: the BIC of the broken line and
  the year each line reaches a work month (:func:`check_rows`);
* ``ablations.csv`` (question ``trend``): each focus model's distance from the trend
  (:func:`model_rows`) and the 50% horizon of every model of the run-level trend
  (:func:`horizonlib.analyses.trend_checks.run_level.run_level_horizon_rows`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.ablations import ablation_frame, ablation_row
from horizonlib.analyses.headline.trend import trend_results

CHECK_COLUMNS = ["source", "dataset", "window_start", "line", "metric", "estimate", "ci_low",
                 "ci_high"]


def model_keys(names, source: str, runs: pd.DataFrame | None = None,
               published_dataset: str | None = None) -> dict[str, tuple[str, str]]:
    """``(dataset, alias)`` of every model name of the trend inputs.

    Parameters
    ----------
    names : model names (index of the trend inputs' point horizons).
    source : ``"published"`` (names are agents of ``published_dataset``) or ``"fitted"`` (names
        are display names of ``runs``; the last run file holding a name is the measurement).
    """
    if source == "published":
        if published_dataset is None:
            raise ValueError("published trend inputs need published_dataset (the fits' name)")
        return {str(n): (str(published_dataset), str(n)) for n in names}
    if runs is None:
        raise ValueError("fitted trend inputs need the runs they were fitted to")
    order = {d: i for i, d in enumerate(pd.unique(runs["dataset"]))}
    models = runs[["dataset", "alias", "display_name"]].drop_duplicates()
    out = {}
    for name in names:
        hit = models[models["display_name"] == name]
        if hit.empty:
            raise KeyError(f"trend model {name!r} has no runs")
        last = max(hit["dataset"], key=order.__getitem__)
        out[str(name)] = (str(last), str(hit.loc[hit["dataset"] == last, "alias"].iloc[0]))
    return out


def inputs_dataset(keys: dict[str, tuple[str, str]]) -> str:
    """The run file(s) or published file of the trend inputs, ``;``-joined when several."""
    return ";".join(sorted({d for d, _ in keys.values()}))


def trend_rows(res: dict, keys: dict[str, tuple[str, str]], source: str) -> pd.DataFrame:
    """Rows of ``trend.csv`` from ``check_trend(...)["doubling"]``: names turned into aliases."""
    doubling = res["doubling"]
    aliases = [";".join(keys[m][1] for m in str(models).split(";") if m)
               for models in doubling["models"]]
    return trend_results(doubling.assign(models=aliases, source=source,
                                         dataset=inputs_dataset(keys)))


def check_rows(res: dict, keys: dict[str, tuple[str, str]], source: str) -> pd.DataFrame:
    """Rows of ``trend_checks.csv``: the broken line's BIC difference (line ``frontier``,
    BIC units) and the year each line reaches a work month (calendar year, with interval)."""
    dataset = inputs_dataset(keys)
    broken = res["doubling"][res["doubling"]["selection"] == "broken_before"]
    rows = []
    if not broken.empty:
        rows.append({"source": source, "dataset": dataset,
                     "window_start": str(broken["window_start"].iloc[0]), "line": "frontier",
                     "metric": "delta_bic_single_minus_broken",
                     "estimate": float(res["broken"]["delta_bic"]), "ci_low": np.nan,
                     "ci_high": np.nan})
    for _, r in res["month"].iterrows():
        rows.append({"source": source, "dataset": dataset, "window_start": str(r["window_start"]),
                     "line": r["fit"], "metric": "year_reaching_work_month",
                     "estimate": float(r["year"]), "ci_low": float(r["ci_low_year"]),
                     "ci_high": float(r["ci_high_year"])})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def model_rows(res: dict, keys: dict[str, tuple[str, str]], window_start: str) -> pd.DataFrame:
    """Rows of ``ablations.csv`` (question ``trend``, variant ``from_<window_start>``): each
    focus model's ``ratio_to_trend`` (observed / predicted 50% horizon) with its interval and
    ``p_value_above_trend``."""
    rows = []
    for _, r in res["distance"].iterrows():
        dataset, alias = keys[str(r["model"])]
        variant = f"from_{window_start}"
        rows.append(ablation_row("trend", dataset, alias, variant, "ratio_to_trend", r["ratio"],
                                 r["ci_low"], r["ci_high"]))
        rows.append(ablation_row("trend", dataset, alias, variant, "p_value_above_trend",
                                 r["p_value"]))
    return ablation_frame(rows)
