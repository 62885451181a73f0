"""Reward-hacking flag files and the policies that treat flagged runs (analyses layer).

METR scores a run that "succeeds" by reward hacking as a failure. The public run files carry no
per-run hacking flag, so a user-supplied CSV lists the run ids flagged as hacking
(:func:`load_hack_flags`); :func:`apply_hack_policy` then treats them

* ``as_failure`` — success 0 and score 0 (METR's rule),
* ``as_scored``  — the score the task's scorer gave (the flag file's ``score``/``success``
  columns; without them a flagged run counts as a full success, score 1),
* ``exclude``    — dropped; the task weights are recomputed without them.

:func:`policy_table` sets each policy's horizon and RE-Bench mean side by side.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.analyses.hacking.models import rebench_means
from horizonlib.model.horizons import fit_horizons


POLICIES = ("as_failure", "as_scored", "exclude")


class HackFlagError(ValueError):
    """A hack-flag file is malformed.

    Attributes
    ----------
    path : Path
        The CSV file.
    line : int or None
        1-based line number in the file (the header is line 1); None for whole-file problems.
    column : str or None
        The offending column.
    value : object
        The offending value (None when not applicable).
    reason : str
        What is wrong.
    """

    def __init__(self, path, line, column, value, reason):
        self.path = Path(path)
        self.line, self.column, self.value, self.reason = line, column, value, reason
        parts = [self.path.name]
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column '{column}'")
        shown = "" if value is None else f"value {value!r} "
        super().__init__(f"{', '.join(parts)}: {shown}{reason}")


def load_hack_flags(path: str | os.PathLike, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a CSV of run ids flagged as reward hacking.

    Columns: ``run_id`` (required, unique); optional ``dataset`` (to disambiguate run ids
    across datasets), ``score`` (the scorer's normalized score of the hacked run, in [0, 1]) and
    ``success`` (0/1), used by the ``as_scored`` policy. Other columns are ignored.

    Parameters
    ----------
    path : path-like
        The CSV file.
    runs : pandas.DataFrame, optional
        When given, every flagged run id must exist in it.

    Returns
    -------
    pandas.DataFrame
        ``run_id`` (str) plus whichever optional columns the file has.

    Raises
    ------
    HackFlagError
        Naming the file, the line and the column of the first problem.
    """
    path = Path(path)
    if not path.is_file():
        raise HackFlagError(path, None, None, None, "file not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise HackFlagError(path, None, None, None, "file is empty (expected a header with "
                            "'run_id')") from None
    if "run_id" not in raw.columns:
        raise HackFlagError(path, 1, "run_id", None,
                            f"required column is missing (columns: {list(raw.columns)})")
    out = pd.DataFrame({"run_id": raw["run_id"].str.strip().astype(str)})
    for i, rid in enumerate(out["run_id"]):
        if not rid:
            raise HackFlagError(path, i + 2, "run_id", rid, "is empty")
    if "dataset" in raw.columns:
        out["dataset"] = raw["dataset"].str.strip().astype(str)
    key = ["dataset", "run_id"] if "dataset" in out.columns else ["run_id"]
    dup = out.duplicated(key)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise HackFlagError(path, i + 2, "run_id", out["run_id"].iloc[i], "is listed twice")
    for col in ("score", "success"):
        if col not in raw.columns:
            continue
        vals = np.full(len(raw), np.nan)
        for i, text in enumerate(raw[col]):
            text = text.strip()
            if text == "":
                continue
            try:
                v = float(text)
            except ValueError:
                raise HackFlagError(path, i + 2, col, text, "is not a number") from None
            ok = (0 <= v <= 1) if col == "score" else v in (0.0, 1.0)
            if not ok:
                raise HackFlagError(path, i + 2, col, text,
                                    "is not in [0, 1]" if col == "score" else "is not 0 or 1")
            vals[i] = v
        out[col] = vals
    if runs is not None:
        known = set(map(tuple, runs[key].astype(str).to_numpy()))
        for i, row in enumerate(out[key].to_numpy()):
            if tuple(row) not in known:
                raise HackFlagError(path, i + 2, "run_id", row[-1],
                                    "matches no run in the configured run files")
    return out


def apply_hack_policy(runs: pd.DataFrame, flags: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Runs table with the flagged runs treated by ``policy``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    flags : pandas.DataFrame
        From :func:`load_hack_flags`.
    policy : {"as_failure", "as_scored", "exclude"}
        See the module docstring.

    Returns
    -------
    pandas.DataFrame
        A copy (index reset); ``exclude`` drops the flagged rows.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    key = ["dataset", "run_id"] if "dataset" in flags.columns else ["run_id"]
    runs = runs.reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(runs[key].astype(str))
    fidx = pd.MultiIndex.from_frame(flags[key].astype(str))
    flagged = idx.isin(fidx)
    if policy == "exclude":
        return runs[~flagged].reset_index(drop=True)
    out = runs.copy()
    if policy == "as_failure":
        out.loc[flagged, "success"] = 0
        out.loc[flagged, "score"] = 0.0
        return out
    # as_scored: the scorer's verdict from the flag file, else a full success
    pos = fidx.get_indexer(idx[flagged])
    score = flags["score"].to_numpy()[pos] if "score" in flags.columns else np.full(len(pos), np.nan)
    success = (flags["success"].to_numpy()[pos] if "success" in flags.columns
               else np.full(len(pos), np.nan))
    success = np.where(np.isnan(success), np.where(np.isnan(score), 1.0, score > 0.9), success)
    score = np.where(np.isnan(score), success, score)
    out.loc[flagged, "success"] = success.astype(np.int64)
    out.loc[flagged, "score"] = score
    return out


def policy_table(runs: pd.DataFrame, flags: pd.DataFrame, weighting: str = "invsqrt_task_weight",
                 regularization: float = 0.1, success_percents=(50, 80)) -> pd.DataFrame:
    """Horizons and RE-Bench means of every model under each policy for a flag file.

    Returns
    -------
    pandas.DataFrame
        Columns ``policy, dataset, alias, display_name, n_flagged, p50_min, ...,
        rebench_mean``.
    """
    key = ["dataset", "run_id"] if "dataset" in flags.columns else ["run_id"]
    flagged = pd.MultiIndex.from_frame(runs[key].astype(str)).isin(
        pd.MultiIndex.from_frame(flags[key].astype(str)))
    n_flag = runs.assign(_f=flagged).groupby(["dataset", "alias"])["_f"].sum().rename("n_flagged")
    parts = []
    for policy in POLICIES:
        treated = apply_hack_policy(runs, flags, policy)
        fits = fit_horizons(treated, weighting, regularization, success_percents)
        means = rebench_means(treated)[["dataset", "alias", "rebench_mean"]]
        fits = fits.merge(means, on=["dataset", "alias"], how="left").merge(
            n_flag.reset_index(), on=["dataset", "alias"], how="left")
        parts.append(fits.assign(policy=policy))
    out = pd.concat(parts, ignore_index=True)
    return out[["policy", "dataset", "alias", "display_name", "n_flagged"]
               + [f"p{sp}_min" for sp in success_percents] + ["rebench_mean"]]
