"""Inputs ready before any chapter runs: datasets fetched, every input file checked.

:func:`fetch_datasets` downloads and verifies the datasets a parameter set names;
:func:`check_inputs` checks each run file line by line and across lines (model runs present,
one family per task), the release-date files and the optional hack-flag CSV — a bad file stops
the build here with its name, line, field, value and the reason.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from horizonlib.build.errors import BuildError, InputError
from horizonlib.build.params import dataset_names

#: Parameter keys whose entries are run files (dataset names or JSONL paths).
RUN_KEYS = ("runs", "rebench_runs")


def fetch_datasets(params: Mapping[str, Any], root: Path, mirror: str | None, log: Callable[[str], None]) -> None:
    """Download/verify every dataset the parameter set names (paths are left to the chapters)."""
    names = dataset_names(params, base=root)
    if not names:
        return
    try:
        from horizonlib.data import fetch
    except ModuleNotFoundError as exc:  # the data layer is not there: say so, chapters will fail
        if exc.name != "horizonlib.data.fetch":
            raise
        log("warning: horizonlib.data.fetch is missing; datasets are not fetched before the chapters run")
        return
    kwargs = {}
    sig = inspect.signature(fetch.fetch_all)
    if mirror is not None and "mirror" in sig.parameters:
        kwargs["mirror"] = mirror
    cwd = os.getcwd()
    os.chdir(root)  # the cache (data/raw) is relative to the repository root, as in the chapters
    try:
        fetch.fetch_all(names, **kwargs)
    except Exception as exc:  # any failure to get data stops the build, with the fetch's own message
        raise BuildError(f"fetching datasets {names} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        os.chdir(cwd)


def check_run_entry(entry: str | Path) -> "pandas.DataFrame":  # noqa: F821 - imported lazily
    """Load one run source and check what the chapters rely on beyond single lines.

    :func:`horizonlib.data.runs.load_runs` validates every line and the runs across lines
    (duplicate run ids, one family, length and source per task); this adds what only the chapters
    need: the file holds model runs, not only human baselines.

    Parameters
    ----------
    entry : str or Path
        A manifest dataset name or a JSON Lines path.

    Returns
    -------
    pandas.DataFrame
        The tidy runs table of ``entry``, human baselines dropped (as ``load_runs`` returns it).

    Raises
    ------
    horizonlib.data.runs.RunFileError
        Malformed or inconsistent file: names the file, the line, the field, the value and why.
    horizonlib.data.fetch.DataFetchError
        ``entry`` is neither a file nor a dataset that can be obtained.
    """
    from horizonlib.data.runs import HUMAN_ALIAS, RunFileError, load_runs

    table = load_runs([entry], include_humans=True)
    files = _run_files(entry)
    models = table[table["alias"] != HUMAN_ALIAS]
    if models.empty:
        where = files[0] if len(files) == 1 else Path(str(entry))
        raise RunFileError(where, None, "alias", sorted(set(table["alias"])),
                           f"has no model runs: every run is a human baseline (alias "
                           f"'{HUMAN_ALIAS}'), so there is nothing to fit")
    return models  # a task in two families is refused by the loader (horizonlib.data.consistency)


def _run_files(entry: str | Path) -> list[Path]:
    """The file(s) behind a run source (a path, or a manifest dataset's verified files)."""
    from horizonlib.data.fetch import resolve

    return [Path(p) for p in resolve(entry)]


def check_inputs(params: Mapping[str, Any], root: str | Path | None = None) -> dict[str, Any]:
    """Validate every input file a parameter set names, before any chapter runs.

    Run files (``runs``, ``rebench_runs``) with :func:`check_run_entry`; release-date files
    (``release_dates``) and the optional hack-flag CSV (``hack_flags``) with their loaders.
    Relative paths are taken from ``root`` (the chapters' working folder). Datasets must
    already be fetched (or be obtainable).

    Parameters
    ----------
    params : mapping
        A loaded parameter set (:func:`horizonlib.build.params.load_params`).
    root : str or Path, optional
        Folder relative paths are resolved from (default: the current folder).

    Returns
    -------
    dict
        ``datasets``, ``models`` and ``runs``: counts over the ``runs`` entries.

    Raises
    ------
    horizonlib.data.runs.RunFileError
        A run file is malformed (file, line, field, value, reason).
    horizonlib.data.fetch.DataFetchError
        A dataset cannot be obtained.
    InputError
        A release-date or hack-flag file is unusable.
    """
    cwd = os.getcwd()
    if root is not None:
        os.chdir(root)
    try:
        tables = {}
        for key in RUN_KEYS:
            for entry in params.get(key) or []:
                if entry not in tables:
                    tables[entry] = check_run_entry(entry)
        try:
            from horizonlib.data.published import load_release_dates

            load_release_dates(params.get("release_dates") or [])
        except (ValueError, OSError, yaml.YAMLError) as exc:
            raise InputError(f"release_dates {params.get('release_dates')}: {exc}") from None
        if params.get("hack_flags"):
            import pandas as pd

            from horizonlib.analyses.hacking.flags import load_hack_flags

            runs = pd.concat([tables[e] for e in params["runs"]], ignore_index=True)
            try:
                load_hack_flags(params["hack_flags"], runs)
            except (ValueError, OSError) as exc:
                raise InputError(f"hack_flags: {exc}") from None
    finally:
        os.chdir(cwd)
    main = [tables[e] for e in params.get("runs") or []]
    return {"datasets": len(main),
            "models": sum(t.groupby(["dataset", "alias"]).ngroups for t in main),
            "runs": sum(len(t) for t in main)}

