"""Load run-level files into the tidy runs table.

Job: read METR run files (JSON Lines, one object per run) of any of the known schemas, for the
datasets or paths asked for, and return one pandas DataFrame with one row per run and the
columns of :data:`COLUMNS` (see ``data/README.md``); :func:`check_runs` summarizes them per
model. Schemas accepted:

* pre-paper 2025-01 / paper 2025-03: continuous ``score``, ``score_binarized``, no
  ``task_source`` (inferred: ``task_family`` starting ``ai_rd_`` -> "RE-Bench", else "HCAST");
* Time Horizon 1.0/1.1: ``score_cont`` instead of ``score``, ``task_source`` given;
* minimal: ``run_id``, ``alias`` (or ``model``), ``task_id``, ``task_family``,
  ``human_minutes`` and ``score`` and/or ``score_binarized`` (or ``success``).
  When only a continuous score is given, ``success = 1 if score > 0.9`` (:data:`SUCCESS_THRESHOLD`,
  the rule METR's ``score_binarized`` follows in the files seen so far).

Which of the alternative keys a file uses is decided per file, by its first run
(:class:`horizonlib.data.records.FileKeys`). Every line is validated
(:mod:`horizonlib.data.records`) and checked against the dataset's earlier runs
(:mod:`horizonlib.data.consistency`) before anything is returned; the first problem raises
:class:`RunFileError` (a :class:`~horizonlib.data.errors.DataError`) naming the file, the line,
the field and the value. Weights in the files are ignored (``horizonlib.model.weights``
recomputes them). Human baseline rows (alias ``"human"``) are validated but dropped unless
``include_humans=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.data.consistency import DatasetIndex
from horizonlib.data.errors import MISSING, DataError, RunFileError, RunSourceError
from horizonlib.data.fetch import resolve
from horizonlib.data.jsonl import decode_line
from horizonlib.data.manifest import Dataset, load_manifest
from horizonlib.data.records import (
    COLUMNS, HUMAN_ALIAS, ROW_FIELDS, SCAFFOLD_SUFFIXES, SUCCESS_THRESHOLD, FileKeys,
    display_name, infer_task_source, parse_record,
)

__all__ = [
    "COLUMNS", "HUMAN_ALIAS", "SCAFFOLD_SUFFIXES", "SUCCESS_THRESHOLD", "DataError",
    "RunFileError", "RunSourceError", "check_runs", "display_name", "infer_task_source", "load_runs",
    "read_run_file",
]


def read_run_file(path: str | Path, index: DatasetIndex | None = None) -> list[tuple]:
    """Parse and validate one JSON Lines run file.

    Parameters
    ----------
    path : str or Path
    index : DatasetIndex, optional
        The runs and tasks of the dataset read so far (its other files), to check this file's
        runs against them; updated in place. Default: a new one (the file alone).

    Returns
    -------
    list of tuple
        One tuple per run (humans included), fields :data:`horizonlib.data.records.ROW_FIELDS`.

    Raises
    ------
    RunFileError
        Empty file; a line that is not UTF-8 JSON object; keys that differ from the file's
        first run's; a missing/null/mistyped/out-of-range field; a duplicate ``run_id``; a task
        whose family, human minutes or source differ from an earlier run's.
    """
    path = Path(path)
    index = DatasetIndex() if index is None else index
    rows, keys = [], None
    with path.open("rb") as fh:  # bytes: a non-UTF-8 line is reported with its number
        for n, raw in enumerate(fh, start=1):
            obj = decode_line(path, n, raw)
            if obj is None:
                continue
            if keys is None:
                keys = FileKeys.decide(path, n, obj)
            row = parse_record(path, n, obj, keys)
            index.add(path, n, row, obj)
            rows.append(row)
    if not rows:
        raise RunFileError(path, None, None, MISSING, "file is empty (no runs)")
    return rows


def _as_list(runs) -> list:
    if isinstance(runs, (str, Path)):
        return [runs]
    return list(runs)


def _sources(runs, manifest, cache_dir, mirror) -> list[tuple[str, list[Path]]]:
    """(dataset label, files) for each entry of ``runs``."""
    datasets: dict[str, Dataset] | None = None
    out, labels = [], set()
    for item in _as_list(runs):
        path = Path(item)
        if path.is_file():
            label, files = path.stem, [path]
        else:
            if datasets is None:
                datasets = manifest if isinstance(manifest, dict) else load_manifest(manifest)
            name = str(item)
            if name in datasets and datasets[name].kind != "runs":
                raise RunSourceError(f"dataset '{name}' has kind '{datasets[name].kind}', "
                                    "not 'runs'; it cannot be loaded as runs")
            label, files = name, resolve(name, datasets, cache_dir, mirror)
        if label in labels:
            raise RunSourceError(f"run source {item!r} gives dataset label '{label}' twice; "
                                 "list each dataset once (rename user files with equal stems)")
        labels.add(label)
        out.append((label, files))
    return out


def load_runs(
    runs: str | Path | Iterable[str | Path],
    include_humans: bool = False,
    *,
    manifest: dict[str, Dataset] | str | Path | None = None,
    cache_dir: str | Path | None = None,
    mirror: str | Path | None = None,
) -> pd.DataFrame:
    """Load run files into the tidy runs table.

    Parameters
    ----------
    runs : str, Path or list of them
        Manifest dataset names (fetched with :func:`horizonlib.data.fetch.ensure_dataset`) and/or
        paths of JSON Lines files. An existing file path wins over a dataset name.
    include_humans : bool
        Keep human baseline rows (alias ``"human"``); default False.
    manifest, cache_dir, mirror
        Passed to :func:`horizonlib.data.fetch.resolve`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: dataset, run_id, alias, display_name, task_id, task_family,
        task_source, human_minutes (float64, minutes, > 0), human_source, score (float64 in
        [0, 1]; NaN only when the file has no continuous score), success (int64, 0/1).
        Rows in file order, datasets in the order given. The model identity is
        (dataset, alias): the same alias in two datasets stays two models.

    Raises
    ------
    RunFileError
        Any malformed line, or runs of one dataset that contradict each other (nothing is
        returned for partially valid input).
    RunSourceError
        A dataset that is not of kind ``runs``, or one dataset label twice.
    horizonlib.data.fetch.DataFetchError
        A dataset cannot be obtained.

    All three are :class:`~horizonlib.data.errors.DataError`.
    """
    parts = []
    for label, files in _sources(runs, manifest, cache_dir, mirror):
        index = DatasetIndex()
        rows = [row for f in files for row in read_run_file(f, index)]
        parts.append((label, rows))
    return _to_frame(parts, include_humans)


def _to_frame(parts, include_humans: bool) -> pd.DataFrame:
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    for label, rows in parts:
        if not include_humans:
            rows = [r for r in rows if r[1] != HUMAN_ALIAS]
        cols["dataset"].extend([label] * len(rows))
        for i, name in enumerate(ROW_FIELDS):
            cols[name].extend(r[i] for r in rows)
    cache: dict[str, str] = {}
    cols["display_name"] = [cache.setdefault(a, display_name(a)) if a not in cache else cache[a]
                            for a in cols["alias"]]
    frame = {}
    for c in COLUMNS:
        if c in ("human_minutes", "score"):
            frame[c] = np.asarray(cols[c], dtype="float64")
        elif c == "success":
            frame[c] = np.asarray(cols[c], dtype="int64")
        else:
            frame[c] = pd.array(cols[c], dtype="str")
    return pd.DataFrame(frame, columns=list(COLUMNS))


def check_runs(
    runs: str | Path | Iterable[str | Path],
    include_humans: bool = False,
    **kwargs,
) -> pd.DataFrame:
    """Load and validate runs, and summarize them per model (used by ``make check``).

    Parameters
    ----------
    runs, include_humans, **kwargs
        As :func:`load_runs`.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias): dataset, alias, display_name, n_runs, n_tasks,
        n_families, task_sources (e.g. ``"HCAST:157, RE-Bench:5, SWAA:66"`` task counts),
        success_rate (unweighted mean of success), mean_score, min_human_minutes,
        max_human_minutes (minutes).

    Raises
    ------
    RunFileError
        As :func:`load_runs`.
    """
    df = load_runs(runs, include_humans=include_humans, **kwargs)
    g = df.groupby(["dataset", "alias"], sort=False)
    summary = g.agg(
        display_name=("display_name", "first"),
        n_runs=("run_id", "size"),
        n_tasks=("task_id", "nunique"),
        n_families=("task_family", "nunique"),
        success_rate=("success", "mean"),
        mean_score=("score", "mean"),
        min_human_minutes=("human_minutes", "min"),
        max_human_minutes=("human_minutes", "max"),
    ).reset_index()
    sources = (df.drop_duplicates(["dataset", "alias", "task_id"])
               .groupby(["dataset", "alias"], sort=False)["task_source"]
               .agg(lambda s: ", ".join(f"{k}:{v}" for k, v in sorted(s.value_counts().items()))))
    summary.insert(6, "task_sources", sources.to_numpy())
    return summary
