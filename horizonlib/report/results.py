"""Exported results: the tidy CSV files every chapter writes under ``_build/results/``.

A rerun with the same parameters must give byte-identical files, so every table is written
with a fixed column order, rows sorted on its key columns, and floats with a fixed format
(8 significant digits). Files that several chapters add to (``ablations.csv``, ``trend.csv``)
are updated by key with :func:`append_results`: rows with the same key are replaced, so
re-executing one chapter never duplicates rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

import pandas as pd

from horizonlib.data.runs import display_name
from horizonlib.report.results_schema import SCHEMA, ResultsFile

FLOAT_FORMAT = "%.8g"

#: Files that several chapters add rows to; the others are written whole by one chapter.
SHARED = {"trend", "ablations"}


def with_model_keys(table: pd.DataFrame, alias_column: str = "model", suffix: str = "",
                    dataset: str | None = None) -> pd.DataFrame:
    """``table`` with its model named by ``alias{suffix}`` and ``display_name{suffix}``.

    The results boundary of a table whose model column holds an alias (e.g. the ``model`` column
    of :func:`horizonlib.model.horizons.horizon_table`): the column is renamed to
    ``alias{suffix}`` and ``display_name{suffix}`` (:func:`horizonlib.data.runs.display_name`)
    is added after it.

    Parameters
    ----------
    table : the rows; must hold ``alias_column`` and, unless ``dataset`` is given,
        ``dataset{suffix}``.
    alias_column : column holding the model's alias in its dataset.
    suffix : ``""`` for one model, ``"_a"`` / ``"_b"`` for the sides of a pair.
    dataset : when given, the ``dataset{suffix}`` column is set to this name (e.g. METR's
        published fits file for rows of published agents).

    Returns
    -------
    A copy with ``alias_column`` replaced by ``alias{suffix}, display_name{suffix}``.
    """
    if alias_column not in table.columns:
        raise KeyError(f"with_model_keys: no column {alias_column!r} in {list(table.columns)}")
    out = table.copy()
    if dataset is not None:
        out[f"dataset{suffix}"] = dataset
    elif f"dataset{suffix}" not in out.columns:
        raise KeyError(f"with_model_keys: no column 'dataset{suffix}' in {list(table.columns)}")
    aliases = out.pop(alias_column).astype(str)
    out[f"alias{suffix}"] = aliases.to_numpy()
    out[f"display_name{suffix}"] = [display_name(a) for a in aliases]
    return out


def _schema(name: str) -> ResultsFile:
    if name not in SCHEMA:
        raise KeyError(f"unknown results file {name!r}; known: {sorted(SCHEMA)}")
    return SCHEMA[name]


def _checked_schema(table: pd.DataFrame, name: str) -> ResultsFile:
    """The schema of ``name``; ValueError naming the file and columns when ``table`` differs."""
    schema = _schema(name)
    expected = schema.column_names
    got = [str(c) for c in table.columns]
    if sorted(got) != sorted(expected):
        missing = [c for c in expected if c not in got]
        extra = [c for c in got if c not in expected]
        raise ValueError(
            f"results file {name}.csv expects columns {expected}, got {got} "
            f"(missing {missing}; not in the schema {extra})")
    return schema


def write_results(table: pd.DataFrame, name: str, results_dir: str | os.PathLike) -> Path:
    """Write ``table`` to ``<results_dir>/<name>.csv`` in its fixed schema and order.

    Parameters
    ----------
    table : the rows to write; must have exactly the columns of ``SCHEMA[name]``
        (:mod:`horizonlib.report.results_schema`), in any order.
    name : results file name without extension (a key of ``SCHEMA``).
    results_dir : folder to write into (created if missing).

    Returns
    -------
    Path of the written file.
    """
    schema = _checked_schema(table, name)
    expected = schema.column_names
    ordered = table[expected].sort_values(list(schema.key), kind="stable").reset_index(drop=True)
    path = Path(results_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary name first so a crash never leaves a half-written results file.
    tmp = path.with_suffix(".csv.tmp")
    ordered.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    tmp.replace(path)
    return path


def append_results(table: pd.DataFrame, name: str, results_dir: str | os.PathLike) -> Path:
    """Add ``table``'s rows to ``<results_dir>/<name>.csv``, replacing rows with the same key.

    Used for the files several chapters write to (``SHARED``); the key columns are
    ``SCHEMA[name].key``. The result is written exactly as :func:`write_results` writes.
    """
    key = list(_checked_schema(table, name).key)
    path = Path(results_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # chapters executed at once may add to the same file: read, merge and write under a lock
    with _locked(path.parent):
        if path.exists():
            # Keys are compared as text so a float written and read back matches itself.
            existing = pd.read_csv(path, dtype=str, keep_default_na=False)
            new_keys = set(map(tuple, _key_text(table, name).to_numpy()))
            keep = [tuple(row) not in new_keys for row in existing[key].to_numpy()]
            table = pd.concat([existing[keep], _as_text(table, name)], ignore_index=True)
        return write_results(table, name, results_dir)


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock on ``folder`` (``flock`` on its descriptor) for the duration."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _as_text(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table's cells as the exact strings ``write_results`` would write."""
    text = table[_schema(name).column_names].copy()
    for column in text.columns:
        values = text[column]
        if pd.api.types.is_float_dtype(values):
            text[column] = [("" if pd.isna(v) else FLOAT_FORMAT % v) for v in values]
        else:
            text[column] = ["" if pd.isna(v) else str(v) for v in values]
    return text


def _key_text(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return _as_text(table, name)[list(_schema(name).key)]
