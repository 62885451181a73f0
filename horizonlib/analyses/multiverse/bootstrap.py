"""Bootstrap intervals of the multiverse's horizons under a few chosen specifications.

The build's hierarchical resample of each dataset (:class:`horizonlib.model.shared_draws.SharedDraws`,
the replicates every chapter fits) is shared by every model and specification, and each
specification's replicates are fitted on the collapsed points of
:mod:`horizonlib.analyses.multiverse.fits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from horizonlib.analyses.multiverse.fits import (
    collapsed_points,
    dataset_parts,
    fit_batch,
    fit_multiverse,
    kept_run_weights,
    link_horizon,
    percent_label,
    prepared_runs,
)
from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS
from horizonlib.analyses.multiverse.outcomes import flagged_runs, outcome_and_keep, subset_mask

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws


def bootstrap_specifications(
    runs: pd.DataFrame,
    specs: pd.DataFrame,
    draws: SharedDraws,
    hack_flags: pd.DataFrame | None = None,
    success_percents: Sequence[float] = (50, 80),
    confidence_level: float = 0.95,
    models: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hierarchical-bootstrap confidence intervals of the horizons under chosen specifications.

    The build's replicates of each dataset (``draws.for_dataset``, the ones every chapter fits)
    are shared by every model and every specification, so differences between models and between
    specifications are paired. As METR does, a replicate fits with weights ``c_ri * w_i``
    (multiplicity times the specification's full-data weight), not renormalized.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    specs : pandas.DataFrame
        Rows of a :func:`~horizonlib.analyses.multiverse.grid.specification_grid` (keep it small:
        each costs about one bootstrap).
    draws : horizonlib.model.shared_draws.SharedDraws
        The build's shared draws (``draws.n_bootstrap`` replicates per dataset).
    hack_flags : pandas.DataFrame, optional
        As in :func:`~horizonlib.analyses.multiverse.fits.fit_multiverse`.
    success_percents : sequence of float, optional
        Horizons (percent).
    confidence_level : float, optional
        Central percentile interval.
    models : pandas.DataFrame, optional
        ``dataset`` and ``model`` (alias) columns: only these models are bootstrapped (the
        replicates are still drawn on every dataset's full data, so a model's interval does not
        depend on which others are chosen). Default: every model.

    Returns
    -------
    pandas.DataFrame
        One row per (spec, dataset, model, p): ``spec``, the dimensions, ``is_metr``,
        ``dataset``, ``model``, ``p``, ``horizon_min`` (point fit on all data), ``ci_low_min``,
        ``ci_high_min`` (minutes), ``failed_replicates`` (replicates with a degenerate fit or a
        non-finite horizon, excluded from the interval).
    """
    if not hasattr(draws, "for_dataset"):
        raise TypeError("pass the build's shared draws (a SharedDraws) as draws")
    n_bootstrap = int(draws.n_bootstrap)
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    runs = prepared_runs(runs)
    point = fit_multiverse(runs, specs, hack_flags, success_percents)
    point_rows = {(r["spec"], r["dataset"], r["model"]): r
                  for r in point.to_dict("records")}
    chosen = None if models is None else set(zip(models["dataset"], models["model"]))
    flagged = flagged_runs(runs, hack_flags)
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    ps = [sp / 100.0 for sp in success_percents]
    rows = []
    for dataset, sub, fl in dataset_parts(runs, flagged):
        counts = sparse.csc_matrix(draws.for_dataset(sub).run_counts.astype(float))
        cell, x2, y2 = collapsed_points(sub)
        C = len(x2) // 2
        aliases = [a for a in sorted(sub["alias"].unique())
                   if chosen is None or (dataset, a) in chosen]
        if not aliases:
            continue
        for _, spec in specs.iterrows():
            y, keep_hack = outcome_and_keep(sub, spec["success"], spec["hack_policy"], fl)
            keep = subset_mask(sub, spec["subset"]) & keep_hack
            w = kept_run_weights(sub, keep, spec["weighting"])
            yy = np.where(np.isnan(y), 0.0, y)
            for alias in aliases:
                prow = point_rows[(spec["spec"], dataset, alias)]
                cols = np.flatnonzero((sub["alias"] == alias).to_numpy() & keep)
                lo = {p: np.nan for p in ps}
                hi = dict(lo)
                failed = {p: int(n_bootstrap) for p in ps}
                if prow["status"] == "ok" and len(cols):
                    # replicate weights per cell: counts (R x runs) @ A (runs x 2C), sparse
                    A = sparse.csr_matrix(
                        (np.concatenate([w[cols] * yy[cols], w[cols] * (1 - yy[cols])]),
                         (np.concatenate([np.arange(len(cols))] * 2),
                          np.concatenate([cell[cols], C + cell[cols]]))),
                        shape=(len(cols), 2 * C))
                    Wr = (counts[:, cols] @ A).toarray()
                    # cells with zero weight in every replicate add nothing: leave them out
                    nz = Wr.any(axis=0)
                    res = fit_batch(spec["link"], x2[nz], y2[nz], Wr[:, nz],
                                    float(spec["regularization"]))
                    ok = res.status == "ok"
                    for p in ps:
                        h = np.asarray(link_horizon(spec["link"], p, res.intercept[ok],
                                                    res.slope[ok]), dtype=float)
                        h = h[np.isfinite(h)]
                        # degenerate fits and infinite horizons are counted, as horizon_table does
                        failed[p] = int(n_bootstrap - len(h))
                        if len(h):
                            lo[p], hi[p] = np.percentile(h, [lo_q, hi_q])
                for p, sp in zip(ps, success_percents):
                    row = {"spec": spec["spec"], **{d: spec[d] for d in DIMENSION_COLUMNS},
                           "is_metr": bool(spec["is_metr"]), "dataset": dataset, "model": alias,
                           "p": p, "horizon_min": float(prow[f"p{percent_label(sp)}_min"]),
                           "ci_low_min": float(lo[p]), "ci_high_min": float(hi[p]),
                           "failed_replicates": failed[p]}
                    rows.append(row)
    return pd.DataFrame(rows)


def outside_ci_count(boot: pd.DataFrame, specs: pd.DataFrame, pick: pd.Series,
                     p: float = 0.5) -> tuple[int, int]:
    """How many single-choice changes move ``pick``'s horizon outside the headline's CI.

    Returns
    -------
    (n_outside, n_changes)
    """
    b = boot[np.isclose(boot["p"], p) & (boot["dataset"] == pick["dataset"])
             & (boot["model"] == pick["model"])].merge(specs[["spec", "changed"]], on="spec")
    head = b[b["changed"] == "none"]
    alt = b[(b["changed"] != "none") & np.isfinite(b["horizon_min"])]
    if head.empty or alt.empty:
        return 0, len(alt)
    lo, hi = float(head["ci_low_min"].iloc[0]), float(head["ci_high_min"].iloc[0])
    out = (alt["horizon_min"] < lo) | (alt["horizon_min"] > hi)
    return int(out.sum()), len(alt)
