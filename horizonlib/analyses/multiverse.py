"""The multiverse: every combination of analysis choices, fitted for every model.

Job: refit each model's horizon under every specification of a grid of analysis choices, and
measure how much each choice moves the 50% horizon and the doubling time. Dimensions (METR's
headline choice first):

* ``weighting``: ``invsqrt_task_weight`` | ``equal_task_weight`` | ``none``
  (:mod:`horizonlib.model.weights`);
* ``regularization``: 0.1 | 0.01 | 0 (L2 penalty on the slope, :mod:`horizonlib.model.logistic`);
* ``success``: ``delivered`` (the file's binarized score) | ``score>=0.5`` | ``score>=0.8`` |
  ``fractional`` (``y`` = the continuous score in ``[0, 1]`` in the weighted fit);
* ``subset``: ``all`` | ``no_rebench`` (task_source != "RE-Bench") | ``hcast`` (task_source ==
  "HCAST") | ``baseline_times`` (human_source == "baseline": measured, not estimated, times);
* ``link``: ``logistic`` | ``probit`` (:mod:`horizonlib.model.probit`);
* ``hack_policy`` (only when per-run reward-hacking flags are given): ``failure`` (METR: a
  flagged run counts as a failure) | ``success`` (counts as the success its checker scored) |
  ``excluded`` (dropped). Without flags the column is ``as_delivered``.

For a specification ``s`` and a model, the fit is (logistic link)

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

Summaries. The share of variance of ``log2(p50)`` explained by a dimension is its main-effect
sum of squares over the model's converged specifications,
``SS_d = sum_levels n_l (mean_l - mean)^2``, divided by the total ``sum (v - mean)^2``; the rest
(``1 - sum_d SS_d / SS_total``) is attributed to interactions (and, when failed fits leave the
grid unbalanced, to non-orthogonality). Level means within 1e-9 doublings of the grand mean
(the fits' convergence noise) count as no effect. METR's headline specification is placed in each
distribution by its mid-rank percentile. The doubling time is refitted per specification
(OLS of ln p50 on release date, :mod:`horizonlib.model.trend`), vectorized over specifications.

No wording here: the chapter's sentences and display tables are in
:mod:`horizonlib.report.multiverse`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from horizonlib.model.bootstrap import _check_runs, draw_replicates
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.probit import fit_probit_batch, probit_horizon_at
from horizonlib.data.published import release_date_for
from horizonlib.model.trend import days_since_epoch, release_date_of
from horizonlib.common.units import format_duration
from horizonlib.model.weights import run_weights

#: Levels of every dimension; the first level is METR's headline choice.
DIMENSIONS: dict[str, tuple] = {
    "weighting": ("invsqrt_task_weight", "equal_task_weight", "none"),
    "regularization": (0.1, 0.01, 0.0),
    "success": ("delivered", "score>=0.5", "score>=0.8", "fractional"),
    "subset": ("all", "no_rebench", "hcast", "baseline_times"),
    "link": ("logistic", "probit"),
    "hack_policy": ("failure", "success", "excluded"),
}
#: Dimension columns of every multiverse table, in order.
DIMENSION_COLUMNS = list(DIMENSIONS)
#: ``hack_policy`` value when no reward-hacking flags are given (the data as delivered).
NO_FLAGS = "as_delivered"
#: METR's headline choice of each dimension.
METR_CHOICES: dict[str, object] = {d: levels[0] for d, levels in DIMENSIONS.items()}

RESULT_COLUMNS = DIMENSION_COLUMNS + ["dataset", "model", "status", "p50_min", "p80_min"]
TREND_COLUMNS = ["spec"] + DIMENSION_COLUMNS + ["dataset", "window_start", "selection",
                                                "n_models", "models", "doubling_days"]
_MIN_P50 = 1e-3  # minutes; as horizonlib.model.trend, smaller p50s never enter a trend
#: log2 differences at or below this (doublings) are rounding noise of the Newton fits (they
#: converge to a relative gradient of 1e-12), so a dimension whose level means all lie within it
#: of the grand mean explains exactly zero variance.
_NOISE_LOG2 = 1e-9


# --------------------------------------------------------------------------- the grid


def specification_grid(
    weighting: Sequence[str] = DIMENSIONS["weighting"],
    regularization: Sequence[float] = DIMENSIONS["regularization"],
    success: Sequence[str] = DIMENSIONS["success"],
    subset: Sequence[str] = DIMENSIONS["subset"],
    link: Sequence[str] = DIMENSIONS["link"],
    hack_policy: Sequence[str] | None = None,
) -> pd.DataFrame:
    """All combinations of the given levels (a full factorial grid).

    Parameters
    ----------
    weighting, regularization, success, subset, link : sequence
        Levels of each dimension (defaults: :data:`DIMENSIONS`).
    hack_policy : sequence of str, optional
        Reward-hack policies; ``None`` (no flags in the data) gives the single level
        :data:`NO_FLAGS`.

    Returns
    -------
    pandas.DataFrame
        One row per specification: ``spec`` (int, 0..S-1), one column per dimension, ``is_metr``
        (True for METR's headline choices, ``hack_policy`` ``failure`` or ``as_delivered``).
    """
    levels = {"weighting": list(weighting), "regularization": [float(r) for r in regularization],
              "success": list(success), "subset": list(subset), "link": list(link),
              "hack_policy": [NO_FLAGS] if hack_policy is None else list(hack_policy)}
    for dim, vals in levels.items():
        allowed = DIMENSIONS[dim] + ((NO_FLAGS,) if dim == "hack_policy" else ())
        if not vals:
            raise ValueError(f"dimension {dim!r} needs at least one level")
        if len(set(vals)) != len(vals):
            raise ValueError(f"duplicate levels in {dim!r}: {vals}")
        bad = [v for v in vals if (v not in allowed and dim != "regularization")]
        if bad:
            raise ValueError(f"unknown {dim} level(s) {bad}; allowed: {allowed}")
        if dim == "regularization" and any(not v >= 0 for v in vals):
            raise ValueError("regularization levels must be >= 0")
    grid = pd.DataFrame(list(itertools.product(*levels.values())), columns=list(levels))
    grid.insert(0, "spec", np.arange(len(grid)))
    grid["is_metr"] = is_metr_specification(grid)
    return grid


def is_metr_specification(frame: pd.DataFrame) -> pd.Series:
    """Rows of a multiverse table that use METR's headline choice on every dimension."""
    mask = pd.Series(True, index=frame.index)
    for dim in METR_CHOICES:
        mask &= is_metr_dimension(frame, dim)
    return mask


def one_at_a_time(grid: pd.DataFrame) -> pd.DataFrame:
    """METR's headline specification and every specification that differs from it in one choice.

    Returns
    -------
    pandas.DataFrame
        Rows of ``grid`` (same columns) plus ``changed`` (the dimension changed, ``"none"`` for
        the headline), headline first.
    """
    differs = pd.DataFrame({d: ~is_metr_dimension(grid, d) for d in DIMENSION_COLUMNS})
    n_diff = differs.sum(axis=1)
    out = grid[n_diff <= 1].copy()
    out["changed"] = [("none" if n == 0 else differs.columns[differs.loc[i]][0])
                      for i, n in n_diff[n_diff <= 1].items()]
    return out.sort_values(["is_metr", "spec"], ascending=[False, True]).reset_index(drop=True)


def is_metr_dimension(frame: pd.DataFrame, dim: str) -> pd.Series:
    """Rows of a multiverse table that use METR's choice on dimension ``dim``."""
    choice = METR_CHOICES[dim]
    if dim == "hack_policy":
        return frame[dim].isin([choice, NO_FLAGS])
    if dim == "regularization":
        return pd.Series(np.isclose(frame[dim].astype(float), float(choice), rtol=0, atol=1e-15),
                         index=frame.index)
    return frame[dim] == choice


# --------------------------------------------------------------------------- data choices


def load_hack_flags(path: str | Path | None) -> pd.DataFrame | None:
    """Per-run reward-hacking flags from a CSV file (``run_id`` and optionally ``dataset``).

    Parameters
    ----------
    path : str or Path or None
        CSV with a ``run_id`` column (one flagged run per row); ``None`` for no flags.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``run_id`` (str) and ``dataset`` (str, ``""`` = any dataset); None without flags.

    Raises
    ------
    ValueError
        When the file has no ``run_id`` column.
    """
    if path is None:
        return None
    flags = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "run_id" not in flags.columns:
        raise ValueError(f"{path}: hack-flag file needs a 'run_id' column, has {list(flags.columns)}")
    if "dataset" not in flags.columns:
        flags["dataset"] = ""
    return flags[["dataset", "run_id"]].reset_index(drop=True)


def flagged_runs(runs: pd.DataFrame, flags: pd.DataFrame | None) -> np.ndarray:
    """Boolean mask of the runs named in ``flags`` (by ``run_id``, within ``dataset`` if given)."""
    if flags is None or len(flags) == 0:
        return np.zeros(len(runs), dtype=bool)
    run_id = runs["run_id"].astype(str).to_numpy()
    dataset = runs["dataset"].astype(str).to_numpy()
    any_ds = set(flags.loc[flags["dataset"] == "", "run_id"])
    pairs = set(zip(flags.loc[flags["dataset"] != "", "dataset"],
                    flags.loc[flags["dataset"] != "", "run_id"]))
    return np.array([(r in any_ds) or ((d, r) in pairs) for d, r in zip(dataset, run_id)], dtype=bool)


def success_values(runs: pd.DataFrame, success: str) -> np.ndarray:
    """Outcome ``y`` in [0, 1] of every run under a success rule.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (``success`` 0/1, ``score`` continuous in [0, 1] or NaN).
    success : {"delivered", "score>=0.5", "score>=0.8", "fractional"}
        ``delivered``: the file's binarized score. ``score>=t``: 1 when the continuous score is at
        least ``t``. ``fractional``: the continuous score itself, clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        float64; NaN where the rule needs a score the file lacks.
    """
    if success == "delivered":
        return runs["success"].to_numpy(dtype=float)
    score = runs["score"].to_numpy(dtype=float)
    if success == "fractional":
        return np.clip(score, 0.0, 1.0)
    if success.startswith("score>="):
        threshold = float(success.split(">=", 1)[1])
        with np.errstate(invalid="ignore"):
            return np.where(np.isnan(score), np.nan, (score >= threshold).astype(float))
    raise ValueError(f"unknown success rule {success!r}")


def subset_mask(runs: pd.DataFrame, subset: str) -> np.ndarray:
    """Boolean mask of the runs a task subset keeps.

    ``all``; ``no_rebench``: task_source != "RE-Bench"; ``hcast``: task_source == "HCAST";
    ``baseline_times``: human_source == "baseline" (measured human times only).
    """
    if subset == "all":
        return np.ones(len(runs), dtype=bool)
    if subset == "no_rebench":
        return (runs["task_source"] != "RE-Bench").to_numpy()
    if subset == "hcast":
        return (runs["task_source"] == "HCAST").to_numpy()
    if subset == "baseline_times":
        return (runs["human_source"] == "baseline").to_numpy()
    raise ValueError(f"unknown task subset {subset!r}")


def _outcome(runs, success, hack_policy, flagged):
    """(y, keep) for one (success rule, hack policy): flagged runs re-scored or dropped."""
    y = success_values(runs, success)
    keep = np.ones(len(runs), dtype=bool)
    if hack_policy == "failure":
        y = np.where(flagged, 0.0, y)
    elif hack_policy == "success":
        y = np.where(flagged, 1.0, y)
    elif hack_policy == "excluded":
        keep = ~flagged
    elif hack_policy != NO_FLAGS:
        raise ValueError(f"unknown hack policy {hack_policy!r}")
    return y, keep


# --------------------------------------------------------------------------- point fits


def _fit_batch(link, x, y, W, regularization):
    if link == "logistic":
        return fit_logistic_batch(x, y, W, regularization)
    if link == "probit":
        return fit_probit_batch(x, y, W, regularization)
    raise ValueError(f"unknown link {link!r}")


def _horizon(link, p, a, b):
    return horizon_at(p, a, b) if link == "logistic" else probit_horizon_at(p, a, b)


def _prepared(runs: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of ``runs`` with a fresh index and the optional columns filled in."""
    _check_runs(runs)
    runs = runs.reset_index(drop=True)
    if "dataset" not in runs.columns:
        runs = runs.assign(dataset="")
    if "display_name" not in runs.columns:
        runs = runs.assign(display_name=runs["alias"])
    return runs


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
        Output of :func:`specification_grid` (default: the full grid, with the hack dimension
        only when ``hack_flags`` is given).
    hack_flags : pandas.DataFrame, optional
        :func:`load_hack_flags` output; required when the grid has hack policies other than
        ``as_delivered``.
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
    runs = _prepared(runs)
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
    outcome_cache: dict = {}
    out = []
    for dataset in sorted(runs["dataset"].unique()):
        ds_idx = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        sub = runs.iloc[ds_idx].reset_index(drop=True)
        fl = flagged[ds_idx]
        model_code, aliases = pd.factorize(sub["alias"], sort=True)
        first = sub.drop_duplicates("alias").set_index("alias")["display_name"]
        models = pd.DataFrame({"alias": np.asarray(aliases, dtype=object),
                               "display_name": first.reindex(aliases).to_numpy(dtype=object)})
        M = len(models)
        x_runs = np.log2(sub["human_minutes"].to_numpy(dtype=float))
        xs, cell = np.unique(x_runs, return_inverse=True)
        C = len(xs)
        x2 = np.concatenate([xs, xs])
        y2 = np.concatenate([np.ones(C), np.zeros(C)])

        # Weight rows of every (data spec, model), (D*M, 2C), plus bookkeeping.
        rows = np.zeros((len(data_specs) * M, 2 * C))
        n_runs = np.zeros(len(data_specs) * M, dtype=np.int64)
        missing_score = np.zeros(len(data_specs) * M, dtype=bool)
        for d, spec in data_specs.iterrows():
            key = (dataset, spec["weighting"], spec["subset"], spec["hack_policy"])
            y, keep_hack = _outcome(sub, spec["success"], spec["hack_policy"], fl)
            keep = subset_mask(sub, spec["subset"]) & keep_hack
            if key not in weight_cache:
                w = np.zeros(len(sub))
                if keep.any():
                    w[keep] = run_weights(sub[keep], spec["weighting"])
                weight_cache[key] = w
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
            res = _fit_batch(link, x2, y2, rows[sel], float(reg))
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
                frame[f"p{_pct(sp)}_min"] = np.asarray(_horizon(link, sp / 100.0, a, b), dtype=float)
            out.append(frame)
    table = pd.concat(out, ignore_index=True)
    return table.sort_values(["spec", "dataset", "model"], kind="stable").reset_index(drop=True)


def _pct(sp) -> str:
    return f"{sp:g}"


def results_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ``multiverse`` results file: dimension columns, ``dataset, model, status, p50_min,
    p80_min`` (minutes), one row per (specification, dataset, model)."""
    return table[RESULT_COLUMNS].copy()


# --------------------------------------------------------------------------- summaries


def variance_shares(
    table: pd.DataFrame,
    value: str = "p50_min",
    by: Sequence[str] = ("dataset", "model"),
    dimensions: Sequence[str] = tuple(DIMENSION_COLUMNS),
) -> pd.DataFrame:
    """Share of the variance of ``log2(value)`` explained by each dimension (main effects).

    Parameters
    ----------
    table : pandas.DataFrame
        A multiverse table (one row per specification within each group of ``by``).
    value : str, optional
        Positive column to analyse on the log2 scale (``p50_min``, ``doubling_days``).
    by : sequence of str, optional
        Group columns (one variance decomposition per group).
    dimensions : sequence of str, optional
        Dimension columns.

    Returns
    -------
    pandas.DataFrame
        Long: ``by`` columns, ``dimension`` (each dimension, then ``"interactions"`` = the
        unexplained rest), ``share`` (fraction of the total sum of squares; 0 when all values are
        equal), ``n_specs`` (finite positive values used), ``sd_log2`` (standard deviation of
        ``log2(value)``, doublings).
    """
    rows = []
    for key, g in table.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        v = g[value].to_numpy(dtype=float)
        good = np.isfinite(v) & (v > 0)
        g = g[good]
        lv = np.log2(v[good])
        base = dict(zip(by, key))
        n = len(lv)
        total = float(np.sum((lv - lv.mean()) ** 2)) if n else 0.0
        # differences below the fits' convergence tolerance are numerical noise, not effects
        zero = n == 0 or bool(np.all(np.abs(lv - lv.mean()) <= _NOISE_LOG2))
        explained = 0.0
        for dim in dimensions:
            if zero:
                share = 0.0
            else:
                means = pd.Series(lv).groupby(g[dim].to_numpy()).agg(["mean", "size"])
                dev = means["mean"].to_numpy() - lv.mean()
                ss = 0.0 if np.all(np.abs(dev) <= _NOISE_LOG2) else float(
                    (means["size"].to_numpy() * dev ** 2).sum())
                share = ss / total
            explained += share
            rows.append({**base, "dimension": dim, "share": share, "n_specs": n,
                         "sd_log2": float(np.std(lv)) if n else np.nan})
        rows.append({**base, "dimension": "interactions", "share": 0.0 if zero else 1.0 - explained,
                     "n_specs": n, "sd_log2": float(np.std(lv)) if n else np.nan})
    return pd.DataFrame(rows, columns=list(by) + ["dimension", "share", "n_specs", "sd_log2"])


def headline_position(
    table: pd.DataFrame,
    value: str = "p50_min",
    by: Sequence[str] = ("dataset", "model"),
) -> pd.DataFrame:
    """Where METR's headline specification sits in each group's distribution over specifications.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``headline`` (value at METR's choices; NaN if that
        fit failed), ``n_specs`` (finite positive values), ``n_failed`` (other rows),
        ``min``, ``q25``, ``median``, ``q75``, ``max`` (units of ``value``), ``max_over_min``,
        ``rank`` (1 = smallest; ties share the mean rank) and ``percentile`` (mid-rank: 100 x
        (values below + half of those equal) / n_specs).
    """
    rows = []
    for key, g in table.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        v = g[value].to_numpy(dtype=float)
        good = np.isfinite(v) & (v > 0)
        vals = v[good]
        head = g.loc[g["is_metr"].to_numpy(dtype=bool), value].to_numpy(dtype=float)
        h = float(head[0]) if len(head) else np.nan
        row = dict(zip(by, key))
        row.update({"headline": h, "n_specs": int(good.sum()), "n_failed": int((~good).sum())})
        if len(vals):
            q = np.percentile(vals, [0, 25, 50, 75, 100])
            row.update({"min": q[0], "q25": q[1], "median": q[2], "q75": q[3], "max": q[4],
                        "max_over_min": q[4] / q[0]})
        else:
            row.update({k: np.nan for k in ("min", "q25", "median", "q75", "max", "max_over_min")})
        if np.isfinite(h) and len(vals):
            below = float(np.sum(vals < h))
            equal = float(np.sum(vals == h))
            row["rank"] = below + (equal + 1) / 2
            row["percentile"] = 100.0 * (below + 0.5 * equal) / len(vals)
        else:
            row["rank"] = np.nan
            row["percentile"] = np.nan
        rows.append(row)
    cols = list(by) + ["headline", "n_specs", "n_failed", "min", "q25", "median", "q75", "max",
                       "max_over_min", "rank", "percentile"]
    return pd.DataFrame(rows, columns=cols)


def specification_curve(table: pd.DataFrame, dataset: str, model: str,
                        value: str = "p50_min") -> pd.DataFrame:
    """One model's specifications sorted by ``value`` (the data of a specification curve).

    Returns
    -------
    pandas.DataFrame
        The model's rows with a finite positive ``value``, sorted ascending (ties by ``spec``),
        with a ``position`` column 0..n-1.
    """
    g = table[(table["dataset"] == dataset) & (table["model"] == model)]
    v = g[value].to_numpy(dtype=float)
    g = g[np.isfinite(v) & (v > 0)].sort_values([value, "spec"], kind="stable")
    return g.assign(position=np.arange(len(g))).reset_index(drop=True)


# --------------------------------------------------------------------------- doubling time


def doubling_multiverse(
    table: pd.DataFrame,
    release_dates: pd.Series,
    windows: Sequence = ("2019-01-01",),
    selections: Sequence[str] = ("frontier", "all"),
) -> pd.DataFrame:
    """Doubling time of the 50% horizon under every specification, per dataset.

    For each specification, dataset, window and selection, OLS of ``ln(p50_min)`` on release date
    (days) over the selected models (:mod:`horizonlib.model.trend`'s rules: ``frontier`` = models whose
    p50 is at least the best p50 of every model released on or before their date within the
    window; ``all`` = every model in the window), vectorized over specifications. Models whose
    fit failed (or whose p50 is below 1e-3 min) are left out; models without a release date are
    left out of every trend. Datasets are never pooled.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TREND_COLUMNS`: ``spec``, the dimensions, ``dataset``, ``window_start``
        (ISO date), ``selection``, ``n_models``, ``models`` (';'-joined, release order),
        ``doubling_days`` (days; NaN with fewer than two models or equal dates; negative when
        the horizon shrinks).
    """
    specs = table.drop_duplicates("spec").set_index("spec")[DIMENSION_COLUMNS].sort_index()
    out = []
    for dataset, g in table.groupby("dataset", sort=True):
        P = g.pivot(index="spec", columns="model", values="p50_min").reindex(specs.index)
        dated = [m for m in P.columns if _has_date(m, release_dates)]
        if len(dated) < 2:
            continue
        dates = release_date_of(dated, release_dates)
        order = sorted(dated, key=lambda m: (dates[m], m))
        day = days_since_epoch(dates[order])
        V = P[order].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            usable = np.isfinite(V) & (V >= _MIN_P50)
        for start in windows:
            in_win = day >= days_since_epoch([pd.Timestamp(start)])[0]
            base = usable & in_win[None, :]
            for selection in selections:
                if selection == "all":
                    mask = base
                elif selection == "frontier":
                    mask = _frontier_mask(np.where(base, V, np.nan), day)
                else:
                    raise ValueError(f"unknown selection {selection!r}")
                dd = _ols_doubling(np.log(np.where(mask, V, 1.0)), day, mask)
                names = np.array(order, dtype=object)
                frame = specs.reset_index().copy()
                frame["dataset"] = dataset
                frame["window_start"] = pd.Timestamp(start).date().isoformat()
                frame["selection"] = selection
                frame["n_models"] = mask.sum(axis=1)
                frame["models"] = [";".join(names[row]) for row in mask]
                frame["doubling_days"] = dd
                out.append(frame)
    if not out:
        return pd.DataFrame(columns=TREND_COLUMNS)
    res = pd.concat(out, ignore_index=True)[TREND_COLUMNS]
    res["is_metr"] = is_metr_specification(res).to_numpy()
    return res


def _has_date(model, release_dates) -> bool:
    return not pd.isna(release_date_for(model, release_dates))


def _frontier_mask(V: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Frontier rule per row of ``V`` (models sorted by ``day``; NaN = not a candidate)."""
    udays, group = np.unique(day, return_inverse=True)
    filled = np.where(np.isnan(V), -np.inf, V)
    gmax = np.full((V.shape[0], len(udays)), -np.inf)
    for k in range(len(udays)):
        gmax[:, k] = filled[:, group == k].max(axis=1)
    best = np.maximum.accumulate(gmax, axis=1)  # best p50 released on or before each date
    return np.isfinite(V) & (filled >= best[:, group])


def _ols_doubling(L: np.ndarray, day: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """ln(2)/slope of the OLS of each row of ``L`` on ``day`` over ``mask`` (days)."""
    n = mask.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        X = np.where(mask, day[None, :], 0.0)
        xm = X.sum(axis=1) / n
        ym = np.where(mask, L, 0.0).sum(axis=1) / n
        dx = np.where(mask, day[None, :] - xm[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        slope = (dx * np.where(mask, L - ym[:, None], 0.0)).sum(axis=1) / sxx
        dd = np.log(2.0) / slope
    return np.where((n >= 2) & (sxx > 0) & np.isfinite(dd), dd, np.nan)


# --------------------------------------------------------------------------- bootstrap


def bootstrap_specifications(
    runs: pd.DataFrame,
    specs: pd.DataFrame,
    n_bootstrap: int,
    rng: np.random.Generator,
    hack_flags: pd.DataFrame | None = None,
    success_percents: Sequence[float] = (50, 80),
    confidence_level: float = 0.95,
    models: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hierarchical-bootstrap confidence intervals of the horizons under chosen specifications.

    One set of replicates is drawn per dataset (:func:`horizonlib.model.bootstrap.draw_replicates`)
    and shared by every model and every specification, so differences between models and between
    specifications are paired. As METR does, a replicate fits with weights ``c_ri * w_i``
    (multiplicity times the specification's full-data weight), not renormalized.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    specs : pandas.DataFrame
        Rows of a :func:`specification_grid` (keep it small: each costs about one bootstrap).
    n_bootstrap : int
        Replicates per dataset.
    rng : numpy.random.Generator
        The only source of randomness (datasets in sorted order).
    hack_flags : pandas.DataFrame, optional
        As in :func:`fit_multiverse`.
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
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    runs = _prepared(runs)
    point = fit_multiverse(runs, specs, hack_flags, success_percents)
    point_rows = {(r["spec"], r["dataset"], r["model"]): r
                  for r in point.to_dict("records")}
    chosen = None if models is None else set(zip(models["dataset"], models["model"]))
    flagged = flagged_runs(runs, hack_flags)
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    ps = [sp / 100.0 for sp in success_percents]
    rows = []
    for dataset in sorted(runs["dataset"].unique()):
        ds_idx = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        sub = runs.iloc[ds_idx].reset_index(drop=True)
        fl = flagged[ds_idx]
        draws = draw_replicates(sub, n_bootstrap, rng)
        counts = sparse.csc_matrix(draws.run_counts.astype(float))
        x_runs = np.log2(sub["human_minutes"].to_numpy(dtype=float))
        xs, cell = np.unique(x_runs, return_inverse=True)
        C = len(xs)
        x2 = np.concatenate([xs, xs])
        y2 = np.concatenate([np.ones(C), np.zeros(C)])
        aliases = [a for a in sorted(sub["alias"].unique())
                   if chosen is None or (dataset, a) in chosen]
        if not aliases:
            continue
        for _, spec in specs.iterrows():
            y, keep_hack = _outcome(sub, spec["success"], spec["hack_policy"], fl)
            keep = subset_mask(sub, spec["subset"]) & keep_hack
            w = np.zeros(len(sub))
            if keep.any():
                w[keep] = run_weights(sub[keep], spec["weighting"])
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
                    res = _fit_batch(spec["link"], x2[nz], y2[nz], Wr[:, nz],
                                     float(spec["regularization"]))
                    ok = res.status == "ok"
                    for p in ps:
                        h = np.asarray(_horizon(spec["link"], p, res.intercept[ok], res.slope[ok]),
                                       dtype=float)
                        h = h[np.isfinite(h)]
                        # degenerate fits and infinite horizons are counted, as horizon_table does
                        failed[p] = int(n_bootstrap - len(h))
                        if len(h):
                            lo[p], hi[p] = np.percentile(h, [lo_q, hi_q])
                for p, sp in zip(ps, success_percents):
                    row = {"spec": spec["spec"], **{d: spec[d] for d in DIMENSION_COLUMNS},
                           "is_metr": bool(spec["is_metr"]), "dataset": dataset, "model": alias,
                           "p": p, "horizon_min": float(prow[f"p{_pct(sp)}_min"]),
                           "ci_low_min": float(lo[p]), "ci_high_min": float(hi[p]),
                           "failed_replicates": failed[p]}
                    rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- helpers for chapters


def pick_models(table: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The (dataset, model, display_name) rows whose display name is in ``names`` (in that order;
    a name present in several datasets gives one row per dataset). Missing names are skipped."""
    models = table[["dataset", "model", "display_name"]].drop_duplicates()
    parts = [models[models["display_name"] == n].sort_values("dataset") for n in names]
    parts = [p for p in parts if len(p)]
    if not parts:
        return models.iloc[0:0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def dimension_effects(table: pd.DataFrame, value: str = "p50_min",
                      by: Sequence[str] = ("dataset", "model")) -> pd.DataFrame:
    """Median ratio of ``value`` at each level to METR's level, other choices held fixed.

    For every dimension and non-METR level, pairs each specification with the one that differs
    only in that dimension (set to METR's level) and takes the median ratio over pairs (a
    multiplicative effect: 2 = the choice doubles the horizon).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``dimension``, ``level``, ``median_ratio``, ``n_pairs``.
    """
    rows = []
    for dim in DIMENSION_COLUMNS:
        others = [d for d in DIMENSION_COLUMNS if d != dim]
        ref_mask = is_metr_dimension(table, dim)
        ref = table[ref_mask][list(by) + others + [value]].rename(columns={value: "_ref"})
        alt = table[~ref_mask]
        if alt.empty:
            continue
        merged = alt.merge(ref, on=list(by) + others, how="inner")
        ratio = merged[value].to_numpy(dtype=float) / merged["_ref"].to_numpy(dtype=float)
        merged = merged.assign(_ratio=ratio)
        merged = merged[np.isfinite(merged["_ratio"]) & (merged["_ratio"] > 0)]
        for key, g in merged.groupby(list(by) + [dim], sort=True):
            rows.append({**dict(zip(list(by) + ["level"], key)), "dimension": dim,
                         "median_ratio": float(np.exp(np.median(np.log(g["_ratio"])))),
                         "n_pairs": len(g)})
    return pd.DataFrame(rows, columns=list(by) + ["dimension", "level", "median_ratio", "n_pairs"])


def trend_results_table(trend: pd.DataFrame) -> pd.DataFrame:
    """The ``multiverse_trend`` results file: dimensions, ``dataset, window_start, selection,
    n_models, doubling_days`` (days), one row per (specification, dataset, window, selection)."""
    cols = DIMENSION_COLUMNS + ["dataset", "window_start", "selection", "n_models", "doubling_days"]
    return trend[cols].copy()


def add_labels(frame: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Add a ``label`` column ``"<display name> (<dataset>)"`` to a per-model summary.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has ``dataset`` and ``model`` columns (e.g. :func:`headline_position` output).
    table : pandas.DataFrame
        A :func:`fit_multiverse` table (for the display names).
    """
    names = table.drop_duplicates(["dataset", "model"]).set_index(["dataset", "model"])["display_name"]
    keys = pd.MultiIndex.from_frame(frame[["dataset", "model"]])
    shown = names.reindex(keys).to_numpy(dtype=object)
    return frame.assign(label=[f"{n} ({d})" for n, d in zip(shown, frame["dataset"])])


def grid_summary(grid: pd.DataFrame) -> Mapping[str, int]:
    """Number of levels per dimension and of specifications (for prose)."""
    out = {d: int(grid[d].nunique()) for d in DIMENSION_COLUMNS}
    out["specifications"] = len(grid)
    return out


def missing_models(table: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Display names in ``names`` that no model of ``table`` carries (for a visible note)."""
    present = set(table["display_name"])
    return [n for n in names if n not in present]


def choose_models(table: pd.DataFrame, focus: Sequence[str],
                  comparison: Sequence[str] = ()) -> pd.DataFrame:
    """Models a chapter shows: the focus and comparison models present in ``table``.

    When none of ``focus`` is present, the model with the longest headline 50% horizon stands in
    (the chapter says so). Returns :func:`pick_models` rows plus ``label`` and ``role``
    (``focus`` / ``comparison`` / ``stand-in``).
    """
    picks = pick_models(table, list(focus)).assign(role="focus")
    if picks.empty:
        head = table[table["is_metr"]].sort_values("p50_min", ascending=False, na_position="last")
        picks = head[["dataset", "model", "display_name"]].head(1).assign(role="stand-in")
    comp = pick_models(table, [c for c in comparison if c not in set(focus)]).assign(role="comparison")
    out = pd.concat([picks, comp], ignore_index=True).drop_duplicates(["dataset", "model"])
    return add_labels(out, table).reset_index(drop=True)


def specification_curves(table: pd.DataFrame, picks: pd.DataFrame,
                         value: str = "p50_min") -> dict[str, pd.DataFrame]:
    """``label -> specification_curve`` for every row of ``picks`` (from :func:`choose_models`)."""
    return {r.label: specification_curve(table, r.dataset, r.model, value)
            for r in picks.itertuples(index=False)}


# --------------------------------------------------------------------------- chapter helpers


def model_eligibility(table: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Which models have a usable horizon to study across specifications.

    A model is kept when its 50% horizon under METR's choices is finite and lies within the range
    of task lengths it ran (shortest to longest human time of its runs). Outside it the horizon is
    an extrapolation of a curve with almost no successes (or failures), and ratios between
    specifications of such a number (10^-30 minutes against 10^-14) mean nothing.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, model): ``dataset, model, display_name, headline`` (minutes),
        ``shortest_task``, ``longest_task`` (minutes), ``included`` (bool), ``reason`` (text;
        "" when included).
    """
    head = table[table["is_metr"].to_numpy(dtype=bool)].set_index(["dataset", "model"])
    ext = runs.groupby(["dataset", "alias"])["human_minutes"].agg(["min", "max"])
    ext.index = ext.index.set_names(["dataset", "model"])
    out = head[["display_name", "p50_min"]].join(ext, how="left").reset_index()
    out = out.rename(columns={"p50_min": "headline", "min": "shortest_task",
                              "max": "longest_task"})
    h = out["headline"].to_numpy(dtype=float)
    finite = np.isfinite(h) & (h > 0)
    inside = finite & (h >= out["shortest_task"].to_numpy(float)) & \
        (h <= out["longest_task"].to_numpy(float))
    reason = np.where(~finite, "no finite 50% horizon under METR's choices",
                      np.where(~inside, [f"50% horizon under METR's choices ({format_duration(v)}) "
                                         f"outside the task lengths it ran ({format_duration(a)} to "
                                         f"{format_duration(b)})"
                                         for v, a, b in zip(h, out["shortest_task"],
                                                            out["longest_task"])], ""))
    out["included"] = inside
    out["reason"] = reason
    return out[["dataset", "model", "display_name", "headline", "shortest_task", "longest_task",
                "included", "reason"]]


def included_rows(frame: pd.DataFrame, eligibility: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``frame`` (``dataset``, ``model`` columns) whose model is included."""
    keep = eligibility.loc[eligibility["included"], ["dataset", "model"]]
    return frame.merge(keep, on=["dataset", "model"]).reset_index(drop=True)


def choose_focus_models(table: pd.DataFrame, focus: Sequence[str],
                        comparison: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`choose_models` with one row per display name, in the focus model's dataset if possible.

    A comparison model measured in several datasets (o1-preview in the pre-paper and the Time
    Horizon 1.1 files) is shown from the dataset that holds the first focus model, so the
    comparison is within one suite; otherwise from its first dataset.
    """
    picks = choose_models(table, focus, comparison)
    if picks.empty:
        return picks
    home = picks.iloc[0]["dataset"]
    rank = (picks["dataset"] != home).astype(int)
    picks = picks.assign(_rank=rank, _order=np.arange(len(picks)))
    picks = picks.sort_values(["_rank", "_order"]).drop_duplicates("display_name")
    return picks.sort_values("_order").drop(columns=["_rank", "_order"]).reset_index(drop=True)


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


def largest_single_change(table: pd.DataFrame, grid: pd.DataFrame, dataset: str,
                          model: str, value: str = "p50_min") -> dict | None:
    """The one-choice change from METR's specification that moves one model's ``value`` most.

    Only the specifications of :func:`one_at_a_time` are compared (METR's choices with exactly
    one dimension changed), so the number is the same as in the chapter's table of single
    changes, not a median over the other choices (that is :func:`dimension_effects`).

    Returns
    -------
    dict or None
        ``dimension``, ``level``, ``p50_min`` (the changed specification's value, minutes),
        ``metr_min`` (METR's), ``ratio`` (changed / METR's); None when METR's specification or
        every single change has no finite positive value for the model.
    """
    oat = one_at_a_time(grid)
    rows = table[(table["dataset"] == dataset) & (table["model"] == model)]
    rows = rows.merge(oat[["spec", "changed"]], on="spec")
    head = rows[rows["changed"] == "none"]
    if head.empty:
        return None
    ref = float(head[value].iloc[0])
    alt = rows[rows["changed"] != "none"]
    v = alt[value].to_numpy(dtype=float)
    ok = np.isfinite(v) & (v > 0)
    if not (np.isfinite(ref) and ref > 0) or not ok.any():
        return None
    alt, v = alt[ok], v[ok]
    i = int(np.argmax(np.abs(np.log(v / ref))))
    r = alt.iloc[i]
    return {"dimension": r["changed"], "level": r[r["changed"]], "p50_min": float(v[i]),
            "metr_min": ref, "ratio": float(v[i] / ref)}

