"""Results rows of the noise chapter (analyses layer).

``differences.csv``: the paired differences (:func:`horizonlib.analyses.noise.pairs.compare_pairs`)
and the interval widths by resampling level (:func:`horizonlib.analyses.noise.levels.ci_width_by_level`),
one row per pair of models (``dataset_a, alias_a, display_name_a`` and the same for ``_b``),
metric and source. ``ablations.csv`` (question ``noise``): each model compared on run data with
its own 50% horizon and interval, so it can be set beside ``horizons.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.ablations import ablation_frame, ablation_row
from horizonlib.data.runs import display_name

DIFFERENCE_COLUMNS = ["dataset_a", "alias_a", "display_name_a", "dataset_b", "alias_b",
                      "display_name_b", "metric", "variant", "estimate", "ci_low", "ci_high"]

#: Variant of the per-model rows in ``ablations.csv``.
COMPARED_MODEL = "compared_model"


def _pair_keys(r, published_dataset: str | None) -> dict:
    """``dataset_*, alias_*, display_name_*`` of a :func:`compare_pairs` row."""
    out = {}
    for side in ("a", "b"):
        dataset = r[f"dataset_{side}"]
        if r["source"] == "published" or pd.isna(dataset):
            if published_dataset is None:
                raise ValueError(f"the pair {r['model_a']} vs {r['model_b']} comes from published "
                                 "samples: pass published_dataset (the published fits' name)")
            dataset = published_dataset
        alias = str(r[f"alias_{side}"])
        out.update({f"dataset_{side}": str(dataset), f"alias_{side}": alias,
                    f"display_name_{side}": display_name(alias)})
    return out


def difference_rows(pairs: pd.DataFrame, widths: pd.DataFrame | None = None,
                    width_pair: tuple[str, str] | None = None,
                    published_dataset: str | None = None) -> pd.DataFrame:
    """Rows of ``differences.csv``.

    Parameters
    ----------
    pairs : :func:`compare_pairs` output.
    widths, width_pair : :func:`horizonlib.analyses.noise.levels.level_decomposition` output
        (interval widths of ``width_pair``'s statistics with only some levels resampled).
    published_dataset : name of METR's published fits (the ``dataset`` of published rows).

    Returns
    -------
    DataFrame with columns :data:`DIFFERENCE_COLUMNS`: ``variant`` is the source (``runs:<dataset>``
    or ``published``) for the pair statistics, ``levels_<level>`` for the width decomposition;
    ``metric`` names the statistic (``p50_ratio``, ``p50_ratio_p_gt_1``, ``rebench_diff``,
    ``rebench_diff_p_gt_0``, ..., ``<metric>_ci_width``).
    """
    rows = []
    for _, r in pairs.iterrows():
        keys = _pair_keys(r, published_dataset)
        rows.append({**keys, "variant": r["source"], "metric": r["metric"],
                     "estimate": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
        suffix = "_p_gt_1" if r["metric"] == "p50_ratio" else "_p_gt_0"
        rows.append({**keys, "variant": r["source"], "metric": r["metric"] + suffix,
                     "estimate": r["p_positive"], "ci_low": np.nan, "ci_high": np.nan})
    if widths is not None and width_pair is not None:
        on_runs = pairs[(pairs["model_a"] == width_pair[0]) & (pairs["model_b"] == width_pair[1])
                        & pairs["source"].astype(str).str.startswith("runs:")]
        keys = _pair_keys(on_runs.iloc[0], published_dataset)
        for _, r in widths.iterrows():
            rows.append({**keys, "variant": f"levels_{r['levels']}",
                         "metric": f"{r['metric']}_ci_width", "estimate": r["width"],
                         "ci_low": np.nan, "ci_high": np.nan})
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def model_horizon_rows(pairs: pd.DataFrame, horizons: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``ablations.csv``: the 50% horizon (minutes) of every model compared on run data.

    Parameters
    ----------
    pairs : :func:`compare_pairs` output.
    horizons : :func:`horizonlib.model.horizons.horizon_table` of the runs (``model`` = alias),
        interval from the chapter's bootstrap samples.

    Returns
    -------
    Rows (question ``noise``, variant :data:`COMPARED_MODEL`, metric ``p50_min``) with the
    horizon and its interval, one per distinct ``(dataset, alias)``.
    """
    on_runs = pairs[pairs["source"].astype(str).str.startswith("runs:")]
    wanted = {(str(r[f"dataset_{s}"]), str(r[f"alias_{s}"]))
              for _, r in on_runs.iterrows() for s in ("a", "b")}
    p50 = horizons[np.isclose(horizons["p"].to_numpy(dtype=float), 0.5)]
    rows = [ablation_row("noise", r["dataset"], r["model"], COMPARED_MODEL, "p50_min",
                         r["horizon_min"], r["ci_low_min"], r["ci_high_min"])
            for _, r in p50.iterrows() if (str(r["dataset"]), str(r["model"])) in wanted]
    return ablation_frame(rows)
