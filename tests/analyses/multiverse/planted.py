"""Planted data shared by the multiverse tests: runs from known logistic curves, and a multiverse
table with a planted largest single change."""

import numpy as np
import pandas as pd
from scipy.special import expit

from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import one_at_a_time, specification_grid


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


def planted_largest_change():
    """Model C of :func:`planted_runs` with two planted 50% horizons: the probit specification
    (one choice changed from METR's) at 1000 x METR's, and a specification that changes two
    choices at 1e5 x METR's (which is never a single change).

    Returns
    -------
    (runs, grid, planted, metr) : the runs, the full grid, the multiverse table with the planted
        values, and C's 50% horizon under METR's choices (minutes).
    """
    runs = planted_runs(0)
    grid = specification_grid()
    table = fit_multiverse(runs, grid)
    oat = one_at_a_time(grid)
    rows = table[(table["model"] == "C")].merge(oat[["spec", "changed"]], on="spec")
    metr = float(rows.loc[rows["changed"] == "none", "p50_min"].iloc[0])
    probit = rows.loc[rows["changed"] == "link", "spec"].iloc[0]
    two = table[(table["model"] == "C") & ~table["spec"].isin(oat["spec"])]["spec"].iloc[0]
    planted = table.copy()
    planted.loc[(planted["spec"] == probit) & (planted["model"] == "C"), "p50_min"] = 1000 * metr
    planted.loc[(planted["spec"] == two) & (planted["model"] == "C"), "p50_min"] = 1e5 * metr
    return runs, grid, planted, metr
