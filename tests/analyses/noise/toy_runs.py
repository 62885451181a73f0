"""Runs of two identical models for the noise tests."""

import numpy as np
import pandas as pd


def identical_models(n_fam=12, reps=4, seed=0):
    """Two models with the SAME runs (identical outcomes) on a suite with RE-Bench tasks."""
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n_fam):
        minutes = 2.0 ** rng.uniform(0, 9)
        src = "RE-Bench" if f < 3 else "HCAST"
        fam = f"ai_rd_{f}" if src == "RE-Bench" else f"fam{f}"
        for t in range(2 if src == "HCAST" else 1):
            p = 1 / (1 + np.exp(-(4 - 0.7 * np.log2(minutes))))
            outcomes = rng.random(reps) < p
            scores = rng.random(reps)
            for alias in ("A", "B"):
                for r in range(reps):
                    rows.append((alias, f"{fam}/t{t}", fam, src, minutes,
                                 float(scores[r]) if src == "RE-Bench" else float(outcomes[r]),
                                 int(outcomes[r])))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"] = "toy"
    df["display_name"] = df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    return df
