"""Which runs, subsets and models a per-task breakdown covers, and their names (analyses layer).

The RE-Bench runs of a tidy table (:func:`rebench_only`), each dataset's RE-Bench *task set*
(:func:`task_set_labels`; different task sets are different suites and are never pooled), the
names of the subsets the breakdowns fit (``all tasks``, ``without RE-Bench``, ``RE-Bench only``,
``without <task>``).
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd


REBENCH = "RE-Bench"
MODEL_KEY = ["dataset", "alias"]
#: Default identifiability threshold: a subset's tasks must span at least a factor of 2 in length.
MIN_LOG2_SPREAD = 1.0
ALL_TASKS = "all tasks"
WITHOUT_REBENCH = "without RE-Bench"
REBENCH_ONLY = "RE-Bench only"


def without_label(task_or_family: str) -> str:
    """Variant name of a subset that drops one task or family: ``"without <name>"``."""
    return f"without {task_or_family}"


def missing_models(wanted: Sequence[str], runs: pd.DataFrame) -> list[str]:
    """Display names in ``wanted`` that no model of ``runs`` has (order kept).

    Parameters
    ----------
    wanted : display names (``"o3"``, ``"o4-mini"``).
    runs : a tidy runs table (``display_name`` column) or any table with one.
    """
    present = set(runs["display_name"]) if len(runs) else set()
    return [m for m in wanted if m not in present]


def rebench_only(runs: pd.DataFrame) -> pd.DataFrame:
    """The RE-Bench runs of a tidy table (``task_source == "RE-Bench"``), index reset.

    Raises
    ------
    ValueError
        When an RE-Bench run has no continuous score (NaN ``score``).
    """
    sub = runs[runs["task_source"] == REBENCH].reset_index(drop=True)
    if sub["score"].isna().any():
        bad = sub[sub["score"].isna()].iloc[0]
        raise ValueError(f"RE-Bench run {bad['run_id']!r} of dataset {bad['dataset']!r} has no "
                         "continuous score")
    return sub


def task_set_labels(runs: pd.DataFrame) -> pd.Series:
    """Name of each dataset's RE-Bench task set: ``"<dataset> (<k> RE-Bench tasks)"``.

    Returns
    -------
    pandas.Series indexed by dataset.
    """
    k = runs[runs["task_source"] == REBENCH].groupby("dataset")["task_id"].nunique()
    return pd.Series({d: f"{d} ({n} RE-Bench tasks)" for d, n in k.items()}, name="task_set",
                     dtype=object)


def with_task_sets(runs: pd.DataFrame) -> pd.DataFrame:
    """The RE-Bench runs of ``runs`` with a ``task_set`` column (:func:`task_set_labels`)."""
    rb = runs[runs["task_source"] == REBENCH]
    return rb.assign(task_set=rb["dataset"].map(task_set_labels(runs)))
