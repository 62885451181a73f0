"""One set of bootstrap draws per build, shared by every chapter that bootstraps.

A book build draws the hierarchical resample (families → tasks → runs,
:func:`horizonlib.model.bootstrap.draw_replicates`) of each dataset once per
``(seed, n_bootstrap, bootstrap_rng)`` and every chapter reuses it, so the same model's interval
is the same number wherever it is shown, and the draws are not repeated.

Each dataset's draws come from their own random stream, ``default_rng([seed, crc32(dataset)])``:
a dataset's replicates do not depend on which other run files a chapter loads or in what order.
The draws are kept in memory for the process and, when ``cache_dir`` is given, on disk as
``draws-<key>.npz`` (the key hashes the dataset's rows, seed, replicate count and generator),
so the chapters of one build, each executed in its own kernel, read one another's draws instead
of drawing again. A cache file is only ever read back for exactly the same rows and settings.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import BOOTSTRAP_RNGS
from horizonlib.model.draws import ReplicateDraws, draw_replicates
from horizonlib.model.metr_draws import draw_metr_replicates

KEY_COLUMNS = ("dataset", "alias", "task_id", "task_family")
_MEMORY: dict[str, ReplicateDraws] = {}


def dataset_rng(seed: int, dataset: str) -> np.random.Generator:
    """The random stream of one dataset's draws: ``default_rng([seed, crc32(dataset)])``."""
    return np.random.default_rng([int(seed), zlib.crc32(str(dataset).encode("utf-8"))])


def _fingerprint(runs: pd.DataFrame, *settings) -> str:
    h = hashlib.sha256(repr(settings).encode())
    for col in KEY_COLUMNS + (("run_id",) if "run_id" in runs.columns else ()):
        h.update(col.encode())
        h.update(b"\0".join(str(v).encode("utf-8") for v in runs[col].to_numpy()))
    return h.hexdigest()[:24]


@dataclass
class SharedDraws:
    """Bootstrap draws of every dataset, drawn once and reused.

    Parameters
    ----------
    n_bootstrap : int
        Replicates per dataset.
    seed : int
        Seed of every dataset's stream (see :func:`dataset_rng`).
    bootstrap_rng : {"numpy", "metr"}
        How replicates are drawn: ``numpy``, this package's vectorized draw from the dataset's
        stream; ``metr``, METR's own streams replayed (sample ``i`` from ``default_rng(42 + i)``,
        :func:`horizonlib.model.metr_draws.draw_metr_replicates`; ``seed`` is then unused).
    cache_dir : path, optional
        Folder where draws are saved and looked up (a build passes its staging folder's cache).
    """

    n_bootstrap: int
    seed: int
    bootstrap_rng: str = "numpy"
    cache_dir: Path | str | None = None
    drawn: int = field(default=0, init=False)  # datasets drawn here (not read from a cache)

    def __post_init__(self):
        if self.bootstrap_rng not in BOOTSTRAP_RNGS:
            raise ValueError(f"bootstrap_rng must be one of {BOOTSTRAP_RNGS}, "
                             f"got {self.bootstrap_rng!r}")
        if int(self.n_bootstrap) < 0:
            raise ValueError("n_bootstrap must be >= 0")

    def with_replicates(self, n_bootstrap: int) -> "SharedDraws":
        """The same draws with another replicate count (e.g. more where Monte Carlo error is large)."""
        return SharedDraws(int(n_bootstrap), self.seed, self.bootstrap_rng, self.cache_dir)

    def rows_to_resample(self, runs, run_table: pd.DataFrame) -> pd.DataFrame:
        """The runs table to draw on: ``run_table`` (the agents' runs of the run files ``runs``),
        or, with METR's streams, those files with their human baselines too, since METR's code
        resamples them with the agents and its streams depend on them."""
        if self.bootstrap_rng != "metr":
            return run_table
        from horizonlib.data.runs import load_runs

        return load_runs(runs, include_humans=True)

    def for_dataset(self, runs: pd.DataFrame) -> ReplicateDraws:
        """The draws of one dataset's runs (rows in the order given; one ``dataset`` value).

        Parameters
        ----------
        runs : pandas.DataFrame
            Every run of one dataset (all its models): ``dataset``, ``alias``, ``task_id``,
            ``task_family`` (and ``run_id`` when present, part of the cache key).

        Returns
        -------
        ReplicateDraws
            ``run_counts`` has one column per row of ``runs``, in order.
        """
        names = runs["dataset"].unique() if "dataset" in runs.columns else np.array([""])
        if len(names) != 1:
            raise ValueError(f"for_dataset takes the runs of one dataset, got {list(names)}")
        dataset = str(names[0])
        if "dataset" not in runs.columns:
            runs = runs.assign(dataset=dataset)
        key = _fingerprint(runs, int(self.n_bootstrap), int(self.seed), self.bootstrap_rng)
        if key in _MEMORY:
            return _MEMORY[key]
        path = Path(self.cache_dir) / f"draws-{key}.npz" if self.cache_dir else None
        if path is not None and path.is_file():
            draws = _read(path)
        else:
            draws = (draw_metr_replicates(runs, self.n_bootstrap) if self.bootstrap_rng == "metr"
                     else draw_replicates(runs, self.n_bootstrap, dataset_rng(self.seed, dataset)))
            self.drawn += 1
            if path is not None:
                _write(path, draws)
        _MEMORY[key] = draws
        return draws


def _write(path: Path, draws: ReplicateDraws) -> None:
    """Save the draws (atomically, :func:`save_arrays`)."""
    arrays = {k: getattr(draws, k) for k in ReplicateDraws.__dataclass_fields__}
    # multiplicities are small counts: uint16 keeps a 1,000 x 10,000 matrix at 20 MB
    for k in ("family_counts", "task_counts", "run_counts"):
        if arrays[k].size and arrays[k].max() >= np.iinfo(np.uint16).max:
            raise OverflowError(f"{k} exceeds uint16")
        arrays[k] = arrays[k].astype(np.uint16)
    for k in ("families", "tasks"):  # labels as unicode arrays: no pickling needed to read them
        arrays[k] = np.asarray(arrays[k]).astype(str)
    save_arrays(path, arrays)


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez`` to a temporary file renamed into ``path``: a reader never sees half a file
    (several chapters' kernels may look for the same cache file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _read(path: Path) -> ReplicateDraws:
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    for k in ("families", "tasks"):
        arrays[k] = arrays[k].astype(object)
    for k in ("family_counts", "task_counts", "run_counts"):
        arrays[k] = arrays[k].astype(np.int64)
    return ReplicateDraws(**arrays)
