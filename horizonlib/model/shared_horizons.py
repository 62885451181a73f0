"""The headline bootstrap horizons of a build, fitted once and reused by every chapter.

The fit chapter and the trend chapter both need
:func:`horizonlib.model.bootstrap.bootstrap_horizons` of the same runs on the build's shared
draws (:class:`horizonlib.model.shared_draws.SharedDraws`) with the same weighting, penalty and
success probabilities: the same table, so it is fitted once. :func:`shared_bootstrap_horizons`
keeps it in memory for the process and, when the draws have a ``cache_dir``, on disk as
``horizons-<key>.npz``; the key hashes everything the table depends on (the runs' keys, lengths
and outcomes, the draws' settings, weighting, regularization, success percents), so a cached
table is only read back for exactly the same inputs, and reading it gives the same bytes as
fitting it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.shared_draws import SharedDraws, save_arrays

SAMPLE_COLUMNS = ("replicate", "dataset", "alias", "p", "horizon_min", "status")
_INPUT_COLUMNS = ("dataset", "alias", "task_id", "task_family", "run_id", "human_minutes",
                  "success")
_TEXT_COLUMNS = ("dataset", "alias", "status")
_MEMORY: dict[str, pd.DataFrame] = {}


def _key(runs: pd.DataFrame, draws: SharedDraws, *settings) -> str:
    h = hashlib.sha256(repr((int(draws.n_bootstrap), int(draws.seed), draws.bootstrap_rng)
                            + settings).encode())
    for col in _INPUT_COLUMNS:
        if col in runs.columns:
            h.update(col.encode())
            # repr keeps every digit of a float: lengths that differ in the last bit differ here
            h.update(b"\0".join(repr(v).encode("utf-8") for v in runs[col].to_numpy()))
    return h.hexdigest()[:24]


def shared_bootstrap_horizons(
    runs: pd.DataFrame,
    draws: SharedDraws,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents: Sequence[float] = (50, 80),
    solver: str = "exact",
) -> pd.DataFrame:
    """:func:`horizonlib.model.bootstrap.bootstrap_horizons` on the shared draws, fitted once.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (as for ``bootstrap_horizons``).
    draws : horizonlib.model.shared_draws.SharedDraws
        The build's draws; their ``cache_dir`` (when set) also holds the fitted table.
    weighting, regularization, success_percents, solver
        As in ``bootstrap_horizons`` (success probabilities in percent).

    Returns
    -------
    pandas.DataFrame
        Exactly ``bootstrap_horizons(runs, weighting=weighting, regularization=regularization,
        success_percents=success_percents, draws=draws, solver=solver)`` (horizons in minutes); a copy, so a
        caller may change it.
    """
    percents = tuple(float(sp) for sp in success_percents)
    key = _key(runs, draws, str(weighting), float(regularization), percents, str(solver))
    if key not in _MEMORY:
        path = Path(draws.cache_dir) / f"horizons-{key}.npz" if draws.cache_dir else None
        if path is not None and path.is_file():
            samples = _read(path)
        else:
            samples = bootstrap_horizons(runs, weighting=weighting, regularization=regularization,
                                         success_percents=success_percents, draws=draws,
                                         solver=solver)
            if path is not None and len(samples):
                _write(path, samples)
        _MEMORY[key] = samples
    return _MEMORY[key].copy()


def model_replicates(samples: pd.DataFrame, dataset: str, alias: str, p: float,
                     n_bootstrap: int) -> np.ndarray:
    """One model's horizon at success probability ``p`` in every replicate of a bootstrap table.

    Parameters
    ----------
    samples : pandas.DataFrame
        :func:`shared_bootstrap_horizons` (or ``bootstrap_horizons``) output.
    dataset, alias : str
        The model.
    p : float
        Success probability (0.5 for the 50% horizon).
    n_bootstrap : int
        Replicates the table must hold for the model (those of the shared draws).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_bootstrap,)``, minutes, in replicate order; NaN where the replicate's fit is
        degenerate (``status`` not ``ok``), as :func:`horizonlib.model.horizons.horizon_table`
        leaves it out.
    """
    g = samples[(samples["dataset"] == dataset) & (samples["alias"] == alias)
                & np.isclose(samples["p"].to_numpy(dtype=float), p)].sort_values("replicate")
    if len(g) != n_bootstrap or not np.array_equal(g["replicate"], np.arange(n_bootstrap)):
        raise ValueError(f"samples hold {len(g)} p = {p:g} replicates of {alias!r} in "
                         f"{dataset!r}, expected the {n_bootstrap} of the shared draws")
    return np.where(g["status"].to_numpy() == "ok", g["horizon_min"].to_numpy(dtype=float), np.nan)


def _write(path: Path, samples: pd.DataFrame) -> None:
    """Save the table (atomically, :func:`horizonlib.model.shared_draws.save_arrays`)."""
    arrays = {c: samples[c].to_numpy() for c in SAMPLE_COLUMNS}
    for c in _TEXT_COLUMNS:  # unicode arrays: read back without pickling
        arrays[c] = arrays[c].astype(str)
    save_arrays(path, arrays)


def _read(path: Path) -> pd.DataFrame:
    with np.load(path) as f:
        columns = {c: f[c] for c in SAMPLE_COLUMNS}
    for c in _TEXT_COLUMNS:
        columns[c] = columns[c].astype(object)
    return pd.DataFrame(columns)
