"""A toy run table for the reward-hacking tests."""

import pandas as pd


def two_model_runs(rebench_scores_a=(0.5, 0.5, 0.2, 0.2),
                   rebench_scores_b=(0.45, 0.45, 0.45, 0.45)):
    """Two models; 4 HCAST tasks of 1-64 min and one RE-Bench task of 480 min."""
    rows = []
    for alias, rb in (("A", rebench_scores_a), ("B", rebench_scores_b)):
        for t, minutes in enumerate([1, 4, 16, 64]):
            for r in range(4):
                s = int(r < 4 - t)  # success falls with length
                rows.append((alias, f"hc{t}/main", f"hc{t}", "HCAST", minutes, float(s), s))
        for r, sc in enumerate(rb):
            rows.append((alias, "ai_rd_k/main", "ai_rd_k", "RE-Bench", 480.0, sc, int(sc > 0.9)))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"] = "toy"
    df["display_name"] = df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    return df
