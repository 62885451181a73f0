"""Runs from planted logistic curves, shared by the multiverse tests."""

import numpy as np
import pandas as pd
from scipy.special import expit


def planted_runs(seed=0, models=(("A", 2.0, -0.7), ("B", 4.0, -0.6), ("C", 5.5, -0.8)),
                 n_tasks=40, binary_scores=False, sources=True, dataset="toy"):
    """Runs from planted logistic curves: model (alias, intercept, slope), tasks in families of
    up to 3, 2-5 runs per (model, task); continuous scores whose 0.9 threshold is the success."""
    rng = np.random.default_rng(seed)
    minutes = np.exp2(rng.uniform(0, 9, n_tasks))
    family = [f"fam{i // 3}" for i in range(n_tasks)]
    if sources:
        source = np.where(np.arange(n_tasks) % 7 == 0, "RE-Bench",
                          np.where(np.arange(n_tasks) % 5 == 0, "SWAA", "HCAST"))
        hsource = np.where(np.arange(n_tasks) % 3 == 0, "estimate", "baseline")
    else:
        source = np.full(n_tasks, "HCAST")
        hsource = np.full(n_tasks, "baseline")
    rows = []
    for alias, a, b in models:
        for t in range(n_tasks):
            for k in range(rng.integers(2, 6)):
                p = expit(a + b * np.log2(minutes[t]))
                s = int(rng.random() < p)
                score = float(s) if binary_scores else (
                    rng.uniform(0.9, 1.0) if s else rng.uniform(0.0, 0.9))
                rows.append({
                    "dataset": dataset, "run_id": f"{alias}-{t}-{k}", "alias": alias,
                    "display_name": alias, "task_id": f"task{t}/main", "task_family": family[t],
                    "task_source": source[t], "human_minutes": minutes[t],
                    "human_source": hsource[t], "score": score, "success": s,
                })
    return pd.DataFrame(rows)
