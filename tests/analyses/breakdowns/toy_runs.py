"""Toy and simulated run tables for the breakdowns tests (RE-Bench tasks with continuous scores)."""

import numpy as np
import pandas as pd

from horizonlib.data.simulate import simulate_runs


def make_runs(spec, dataset="d"):
    """Tidy runs from ``{alias: [(task_id, family, source, minutes, [scores...]), ...]}``.

    ``success = score > 0.9``.
    """
    rows = []
    for alias, tasks in spec.items():
        for task_id, family, source, minutes, scores in tasks:
            for i, s in enumerate(scores):
                rows.append(dict(dataset=dataset, run_id=f"{alias}-{task_id}-{i}", alias=alias,
                                 display_name=alias, task_id=task_id, task_family=family,
                                 task_source=source, human_minutes=float(minutes),
                                 human_source="baseline", score=float(s), success=int(s > 0.9)))
    return pd.DataFrame(rows)


def simulated(seed=3, rebench_minutes=None):
    """Synthetic runs of the planted models as a tidy table (known truth)."""
    raw = simulate_runs(np.random.default_rng(seed))
    if rebench_minutes is not None:
        raw.loc[raw["task_source"] == "RE-Bench", "human_minutes"] = rebench_minutes
    return pd.DataFrame({
        "dataset": "sim", "run_id": raw["run_id"], "alias": raw["alias"],
        "display_name": raw["alias"], "task_id": raw["task_id"], "task_family": raw["task_family"],
        "task_source": raw["task_source"], "human_minutes": raw["human_minutes"],
        "human_source": raw["human_source"], "score": raw["score_cont"],
        "success": raw["score_binarized"].astype(np.int64)})


def kernel_case():
    """Two models; only "a" ran the kernel task (ai_rd_k/main)."""
    tasks = [("h/1", "h1", "HCAST", 1, [1, 1]), ("h/2", "h2", "HCAST", 8, [1, 0]),
             ("h/3", "h3", "HCAST", 60, [0, 1]), ("h/4", "h4", "HCAST", 240, [0, 0])]
    return make_runs({"a": tasks + [("ai_rd_k/main", "ai_rd_k", "RE-Bench", 480, [0.2, 0.95])],
                      "b": tasks})
