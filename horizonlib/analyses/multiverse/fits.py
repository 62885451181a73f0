"""The multiverse's point fits: every model under every specification, in batched Newton calls.

For a specification ``s`` (:mod:`horizonlib.analyses.multiverse.grid`) and a model, the fit is
(logistic link)

    P(success) = sigmoid(a + b x),  x = log2(human_minutes),
    minimize  sum_i w_i(s) [log(1+e^{z_i}) - y_i(s) z_i] + lambda(s) b^2 / 2,

with weights ``w(s)`` recomputed on the specification's task subset (normalized to 1 per model),
and ``horizon_p = 2 ** ((F^-1(p) - a) / b)`` minutes, ``F`` the link's CDF.

Speed. The loss is linear in ``y`` and the same for two points with equal ``x`` and ``y``, so a
model's runs collapse exactly into ``2 C`` weighted points: every distinct task length ``x_c`` of
the dataset once as a success (weight ``sum w_i y_i``) and once as a failure (weight
``sum w_i (1 - y_i)``). All models, weightings, subsets, success rules and hack policies of a
dataset then share the same points and differ only in their weight rows, so one vectorized
Newton call (:func:`horizonlib.model.logistic.fit_logistic_batch` or
:func:`horizonlib.model.probit.fit_probit_batch`) per (dataset, regularization, link) fits them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import (
    DIMENSION_COLUMNS,
    DIMENSIONS,
    NO_FLAGS,
    specification_grid,
)
from horizonlib.analyses.multiverse.outcomes import flagged_runs, outcome_and_keep, subset_mask
from horizonlib.model.bootstrap import _check_runs
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.probit import fit_probit_batch, probit_horizon_at
from horizonlib.model.weights import run_weights

RESULT_COLUMNS = DIMENSION_COLUMNS + ["dataset", "model", "status", "p50_min", "p80_min"]


def fit_batch(link: str, x: np.ndarray, y: np.ndarray, W: np.ndarray, regularization: float):
    """One batched fit of the weight rows ``W`` on the points ``(x, y)`` under ``link``."""
    if link == "logistic":
        return fit_logistic_batch(x, y, W, regularization)
    if link == "probit":
        return fit_probit_batch(x, y, W, regularization)
    raise ValueError(f"unknown link {link!r}")


def link_horizon(link: str, p: float, a, b):
    """Horizon (minutes) at success probability ``p`` of fits with intercepts ``a``, slopes
    ``b`` (log-odds or probit units per log2 minute)."""
    return horizon_at(p, a, b) if link == "logistic" else probit_horizon_at(p, a, b)


def prepared_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of ``runs`` with a fresh index and the optional columns filled in."""
    _check_runs(runs)
    runs = runs.reset_index(drop=True)
    if "dataset" not in runs.columns:
        runs = runs.assign(dataset="")
    if "display_name" not in runs.columns:
        runs = runs.assign(display_name=runs["alias"])
    return runs


def dataset_parts(runs: pd.DataFrame,
                  flagged: np.ndarray) -> Iterator[tuple[str, pd.DataFrame, np.ndarray]]:
    """``(dataset, its runs with a fresh index, their hack flags)`` per dataset, sorted by name;
    datasets are never pooled."""
    for dataset in sorted(runs["dataset"].unique()):
        ds_idx = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        yield dataset, runs.iloc[ds_idx].reset_index(drop=True), flagged[ds_idx]


def kept_run_weights(runs: pd.DataFrame, keep: np.ndarray, weighting: str) -> np.ndarray:
    """Per run, its weight (:func:`horizonlib.model.weights.run_weights` on the kept runs only,
    so a subset's models are normalized on it); 0 for the runs not kept."""
    w = np.zeros(len(runs))
    if keep.any():
        w[keep] = run_weights(runs[keep], weighting)
    return w


def collapsed_points(runs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``2 C`` points every fit of one dataset shares (see the module docstring).

    Returns
    -------
    cell : numpy.ndarray
        Per run, the index ``c`` of its task length among the ``C`` distinct ones.
    x2 : numpy.ndarray
        ``log2`` task lengths (log2 minutes), the ``C`` distinct ones twice.
    y2 : numpy.ndarray
        1 for the first ``C`` points (successes), 0 for the last ``C`` (failures).
    """
    x_runs = np.log2(runs["human_minutes"].to_numpy(dtype=float))
    xs, cell = np.unique(x_runs, return_inverse=True)
    C = len(xs)
    return cell, np.concatenate([xs, xs]), np.concatenate([np.ones(C), np.zeros(C)])


def fit_multiverse(
    runs: pd.DataFrame,
    grid: pd.DataFrame | None = None,
    hack_flags: pd.DataFrame | None = None,
    success_percents: Sequence[float] = (50, 80),
) -> pd.DataFrame:
    """Point fit of every model under every specification of ``grid``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (:func:`horizonlib.data.runs.load_runs`).
    grid : pandas.DataFrame, optional
        Output of :func:`~horizonlib.analyses.multiverse.grid.specification_grid` (default: the
        full grid, with the hack dimension only when ``hack_flags`` is given).
    hack_flags : pandas.DataFrame, optional
        :func:`~horizonlib.analyses.multiverse.outcomes.load_hack_flags` output; required when the
        grid has hack policies other than ``as_delivered``.
    success_percents : sequence of float, optional
        Horizons reported (percent); one ``p{percent}_min`` column each.

    Returns
    -------
    pandas.DataFrame
        One row per (specification, dataset, alias): ``spec``, the dimension columns,
        ``is_metr``, ``dataset``, ``model`` (alias), ``display_name``, ``status`` (a fit status,
        ``no_runs`` when the subset leaves the model no runs, ``no_score`` when the rule needs a
        continuous score the file lacks), ``intercept``, ``slope``, ``n_runs`` and
        ``p{percent}_min`` (minutes, NaN unless ``status == "ok"``).
    """
    runs = prepared_runs(runs)
    if grid is None:
        grid = specification_grid(hack_policy=None if hack_flags is None else DIMENSIONS["hack_policy"])
    if hack_flags is None and (grid["hack_policy"] != NO_FLAGS).any():
        raise ValueError("the grid has reward-hack policies but no hack_flags were given")
    flagged = flagged_runs(runs, hack_flags)

    # Row layout: one weight row per (spec, model). Data choices (weighting, subset, success,
    # hack policy) shape the rows; regularization and link select the solver call.
    data_dims = ["weighting", "subset", "success", "hack_policy"]
    data_specs = grid[data_dims].drop_duplicates().reset_index(drop=True)
    weight_cache: dict = {}
    out = []
    for dataset, sub, fl in dataset_parts(runs, flagged):
        model_code, aliases = pd.factorize(sub["alias"], sort=True)
        first = sub.drop_duplicates("alias").set_index("alias")["display_name"]
        models = pd.DataFrame({"alias": np.asarray(aliases, dtype=object),
                               "display_name": first.reindex(aliases).to_numpy(dtype=object)})
        M = len(models)
        cell, x2, y2 = collapsed_points(sub)
        C = len(x2) // 2

        # Weight rows of every (data spec, model), (D*M, 2C), plus bookkeeping.
        rows = np.zeros((len(data_specs) * M, 2 * C))
        n_runs = np.zeros(len(data_specs) * M, dtype=np.int64)
        missing_score = np.zeros(len(data_specs) * M, dtype=bool)
        for d, spec in data_specs.iterrows():
            key = (dataset, spec["weighting"], spec["subset"], spec["hack_policy"])
            y, keep_hack = outcome_and_keep(sub, spec["success"], spec["hack_policy"], fl)
            keep = subset_mask(sub, spec["subset"]) & keep_hack
            if key not in weight_cache:
                weight_cache[key] = kept_run_weights(sub, keep, spec["weighting"])
            w = weight_cache[key]
            nan_y = np.isnan(y) & keep
            yy = np.where(np.isnan(y), 0.0, y)
            flat = model_code * C + cell
            succ = np.bincount(flat, weights=w * yy, minlength=M * C).reshape(M, C)
            fail = np.bincount(flat, weights=w * (1.0 - yy), minlength=M * C).reshape(M, C)
            rows[d * M:(d + 1) * M, :C] = succ
            rows[d * M:(d + 1) * M, C:] = fail
            n_runs[d * M:(d + 1) * M] = np.bincount(model_code, weights=keep, minlength=M).astype(np.int64)
            missing_score[d * M:(d + 1) * M] = np.bincount(model_code, weights=nan_y, minlength=M) > 0
        data_key = pd.MultiIndex.from_frame(data_specs)

        for (reg, link), g in grid.groupby(["regularization", "link"], sort=False):
            didx = data_key.get_indexer(pd.MultiIndex.from_frame(g[data_dims]))
            sel = (didx[:, None] * M + np.arange(M)[None, :]).ravel()  # (spec, model) order
            res = fit_batch(link, x2, y2, rows[sel], float(reg))
            status = res.status.copy()
            status[n_runs[sel] == 0] = "no_runs"
            status[missing_score[sel]] = "no_score"
            a = np.where(status == "ok", res.intercept, np.nan)
            b = np.where(status == "ok", res.slope, np.nan)
            frame = pd.DataFrame({
                "spec": np.repeat(g["spec"].to_numpy(), M),
            })
            for dim in DIMENSION_COLUMNS + ["is_metr"]:
                frame[dim] = np.repeat(g[dim].to_numpy(), M)
            frame["dataset"] = dataset
            frame["model"] = np.tile(models["alias"].to_numpy(), len(g))
            frame["display_name"] = np.tile(models["display_name"].to_numpy(), len(g))
            frame["status"] = status.astype(str)
            frame["intercept"] = a
            frame["slope"] = b
            frame["n_runs"] = n_runs[sel]
            for sp in success_percents:
                frame[f"p{percent_label(sp)}_min"] = np.asarray(
                    link_horizon(link, sp / 100.0, a, b), dtype=float)
            out.append(frame)
    table = pd.concat(out, ignore_index=True)
    return table.sort_values(["spec", "dataset", "model"], kind="stable").reset_index(drop=True)


def percent_label(sp: float) -> str:
    """Column-name form of a success percent (``50`` -> ``"50"``, as in ``p50_min``)."""
    return f"{sp:g}"


def results_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ``multiverse`` results file: dimension columns, ``dataset, model, status, p50_min,
    p80_min`` (minutes), one row per (specification, dataset, model)."""
    return table[RESULT_COLUMNS].copy()
