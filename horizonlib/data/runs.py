"""Load, normalize and validate run-level files into the tidy runs table.

Job: read METR run files (JSON Lines, one object per run) of any of the known schemas and return
one pandas DataFrame with one row per run and the columns of :data:`COLUMNS` (see the team
contract and ``data/README.md``). Schemas accepted, line by line:

* pre-paper 2025-01 / paper 2025-03: continuous ``score``, ``score_binarized``, no
  ``task_source`` (inferred: ``task_family`` starting ``ai_rd_`` -> "RE-Bench", else "HCAST");
* Time Horizon 1.0/1.1: ``score_cont`` instead of ``score``, ``task_source`` given;
* minimal: ``run_id``, ``alias`` (or ``model``), ``task_id``, ``task_family``,
  ``human_minutes`` and ``score`` and/or ``score_binarized`` (or ``success``).
  When only a continuous score is given, ``success = 1 if score > 0.9`` (:data:`SUCCESS_THRESHOLD`,
  the rule METR's ``score_binarized`` follows in the files seen so far).

Every line is validated before anything is returned; the first problem raises
:class:`RunFileError` naming the file, the line, the field and the value. Weights in the files are
ignored (``horizonlib.model.weights`` recomputes them). Human baseline rows (alias ``"human"``) are
validated but dropped unless ``include_humans=True``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.data.fetch import resolve
from horizonlib.data.manifest import Dataset, load_manifest

COLUMNS = (
    "dataset", "run_id", "alias", "display_name", "task_id", "task_family", "task_source",
    "human_minutes", "human_source", "score", "success",
)
"""Columns of the tidy runs table, in order."""

HUMAN_ALIAS = "human"
"""Alias of human baseline runs."""

SUCCESS_THRESHOLD = 0.9
"""A run with only a continuous score counts as a success when ``score > 0.9``."""

SCAFFOLD_SUFFIXES = ("Inspect",)
"""Parenthesized alias suffixes that name a scaffold (harness), not a model; stripped by
:func:`display_name`. Only " (Inspect)" occurs in METR's files; "(New)", "(Old)",
"(elicited)", "(GPT-3)" name model variants and are kept."""

_SUFFIX_RE = re.compile(r"\s*\((?:" + "|".join(map(re.escape, SCAFFOLD_SUFFIXES)) + r")\)\s*$")
_MISSING = object()


class RunFileError(ValueError):
    """A run file is malformed.

    Attributes
    ----------
    path : Path
        The file.
    line : int or None
        1-based line number (None for whole-file problems such as an empty file).
    field : str or None
        The offending field (None when the line is not a JSON object).
    value : object
        The offending value (omitted from the message when the field is missing).
    reason : str
        What is wrong, e.g. ``"is not positive"``.

    The message reads like ``all_runs.jsonl, line 17, field 'human_minutes': value -3.0 is not
    positive``.
    """

    def __init__(self, path, line, field, value, reason):
        self.path = Path(path)
        self.line, self.field, self.value, self.reason = line, field, value, reason
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.path.name]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        where = ", ".join(parts)
        if self.value is _MISSING:
            return f"{where}: {self.reason}"
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{where}: value {shown} {self.reason}"


def display_name(alias: str) -> str:
    """Alias without trailing scaffold suffixes such as " (Inspect)".

    Parameters
    ----------
    alias : str
        Model alias as in a run file, e.g. ``"Claude 3.5 Sonnet (New) (Inspect)"``.

    Returns
    -------
    str
        e.g. ``"Claude 3.5 Sonnet (New)"``. Idempotent; other parentheses are kept.
    """
    name = alias.strip()
    while True:
        stripped = _SUFFIX_RE.sub("", name)
        if stripped == name or not stripped:
            return name
        name = stripped


def infer_task_source(task_family: str) -> str:
    """Task source when a file has none: ``ai_rd_*`` families are RE-Bench, the rest HCAST."""
    return "RE-Bench" if task_family.startswith("ai_rd_") else "HCAST"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _text(path, n, obj, key, required=True, alt=None):
    """A required (or optional) non-empty string field; returns the value or None."""
    field = key
    if key not in obj and alt is not None and alt in obj:
        field = alt
    if field not in obj:
        if required:
            also = f" (or '{alt}')" if alt else ""
            raise RunFileError(path, n, key, _MISSING, f"missing required field{also}")
        return None
    v = obj[field]
    if v is None:
        if required:
            raise RunFileError(path, n, field, v, "is null")
        return None
    if not isinstance(v, str):
        raise RunFileError(path, n, field, v, "is not a string")
    if not v.strip():
        raise RunFileError(path, n, field, v, "is empty")
    return v


def _parse_line(path: Path, n: int, obj) -> tuple:
    """Validate one parsed JSON line; return the tidy row (without dataset/display_name)."""
    if not isinstance(obj, dict):
        raise RunFileError(path, n, None, obj, "is not a JSON object")
    if "run_id" not in obj:
        raise RunFileError(path, n, "run_id", _MISSING, "missing required field")
    run_id = obj["run_id"]
    if isinstance(run_id, bool) or not isinstance(run_id, (str, int)):
        raise RunFileError(path, n, "run_id", run_id,
                           "is null" if run_id is None else "is not a string or integer")
    run_id = str(run_id)
    if not run_id.strip():
        raise RunFileError(path, n, "run_id", run_id, "is empty")
    alias = _text(path, n, obj, "alias", alt="model")
    task_id = _text(path, n, obj, "task_id")
    task_family = _text(path, n, obj, "task_family")
    task_source = _text(path, n, obj, "task_source", required=False)
    if task_source is None:
        task_source = infer_task_source(task_family)
    human_source = _text(path, n, obj, "human_source", required=False) or "unknown"

    if "human_minutes" not in obj:
        raise RunFileError(path, n, "human_minutes", _MISSING, "missing required field")
    hm = obj["human_minutes"]
    if hm is None:
        raise RunFileError(path, n, "human_minutes", hm, "is null")
    if not _is_number(hm):
        raise RunFileError(path, n, "human_minutes", hm, "is not a number")
    if not math.isfinite(hm):
        raise RunFileError(path, n, "human_minutes", hm, "is not a finite number")
    if hm <= 0:
        raise RunFileError(path, n, "human_minutes", hm, "is not positive")

    score_key = "score_cont" if "score_cont" in obj else ("score" if "score" in obj else None)
    score = math.nan
    if score_key is not None:
        s = obj[score_key]
        if s is None:
            raise RunFileError(path, n, score_key, s, "is null")
        if not _is_number(s):
            raise RunFileError(path, n, score_key, s, "is not a number")
        if not math.isfinite(s):
            raise RunFileError(path, n, score_key, s, "is not a finite number")
        if not 0.0 <= s <= 1.0:
            raise RunFileError(path, n, score_key, s, "is outside [0, 1]")
        score = float(s)

    succ_key = ("score_binarized" if "score_binarized" in obj
                else ("success" if "success" in obj else None))
    if succ_key is not None:
        b = obj[succ_key]
        if b is None:
            raise RunFileError(path, n, succ_key, b, "is null")
        if not isinstance(b, (int, float)) or b not in (0, 1):
            raise RunFileError(path, n, succ_key, b, "is not 0 or 1")
        success = int(b)
    elif score_key is not None:
        success = int(score > SUCCESS_THRESHOLD)
    else:
        raise RunFileError(path, n, "score_binarized", _MISSING,
                           "missing required field: a run needs 'score_binarized' (or 'success')"
                           " and/or a continuous 'score' (or 'score_cont')")
    return (run_id, alias, task_id, task_family, task_source, float(hm), human_source,
            score, success)


def read_run_file(path: str | Path, seen: dict | None = None) -> list[tuple]:
    """Parse and validate one JSON Lines run file.

    Parameters
    ----------
    path : str or Path
    seen : dict, optional
        run_id -> (file name, line) of the dataset so far, to catch duplicates across the
        files of one dataset; updated in place.

    Returns
    -------
    list of tuple
        One tuple per run (humans included), fields as in :data:`COLUMNS` minus ``dataset``
        and ``display_name``.

    Raises
    ------
    RunFileError
        Empty file, a line that is not JSON, a missing/null/mistyped/out-of-range field or a
        duplicate ``run_id``.
    """
    path = Path(path)
    seen = {} if seen is None else seen
    rows = []
    with path.open("rb") as fh:  # bytes: a non-UTF-8 line is reported with its number
        for n, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RunFileError(path, n, None, _MISSING,
                                   f"is not UTF-8 text (byte {raw[exc.start]:#04x} at column "
                                   f"{exc.start + 1}; a compressed or binary file?)") from None
            if not line.strip():
                continue  # blank lines (e.g. a trailing newline) carry no run
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                shown = line.strip()
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                raise RunFileError(path, n, None, _MISSING,
                                   f"is not valid JSON ({exc.msg} at column {exc.colno}; "
                                   f"a truncated line?): {shown}") from None
            row = _parse_line(path, n, obj)
            if row[0] in seen:
                first_file, first_line = seen[row[0]]
                raise RunFileError(path, n, "run_id", row[0],
                                   f"duplicates line {first_line} of {first_file} "
                                   "(run_id must be unique within a dataset)")
            seen[row[0]] = (path.name, n)
            rows.append(row)
    if not rows:
        raise RunFileError(path, None, None, _MISSING, "file is empty (no runs)")
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
                raise ValueError(f"dataset '{name}' has kind '{datasets[name].kind}', "
                                 "not 'runs'; it cannot be loaded as runs")
            label, files = name, resolve(name, datasets, cache_dir, mirror)
        if label in labels:
            raise ValueError(f"run source {item!r} gives dataset label '{label}' twice; "
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
        Any malformed line (nothing is returned for partially valid input).
    horizonlib.data.fetch.DataFetchError
        A dataset cannot be obtained.
    """
    parts = []
    for label, files in _sources(runs, manifest, cache_dir, mirror):
        seen: dict = {}
        rows = [row for f in files for row in read_run_file(f, seen)]
        parts.append((label, rows))
    return _to_frame(parts, include_humans)


def _to_frame(parts, include_humans: bool) -> pd.DataFrame:
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    names = COLUMNS[1:3] + COLUMNS[4:]
    for label, rows in parts:
        if not include_humans:
            rows = [r for r in rows if r[1] != HUMAN_ALIAS]
        cols["dataset"].extend([label] * len(rows))
        for i, name in enumerate(names):
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
