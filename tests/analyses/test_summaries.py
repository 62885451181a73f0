"""Known-answer tests for the descriptive summaries of a runs table."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses import summaries


def small_runs() -> pd.DataFrame:
    """Two models, three tasks (one RE-Bench), lengths 2, 30 and 480 minutes."""
    rows = []
    layout = [("a/1", "a", "HCAST", 2.0), ("b/1", "b", "HCAST", 30.0),
              ("ai_rd_x/main", "ai_rd_x", "RE-Bench", 480.0)]
    outcomes = {"m1": {"a/1": [1, 1], "b/1": [1, 0], "ai_rd_x/main": [0, 0]},
                "m2": {"a/1": [1, 1, 1], "b/1": [0], "ai_rd_x/main": [1]}}
    for alias, per_task in outcomes.items():
        for task_id, family, source, minutes in layout:
            for i, success in enumerate(per_task[task_id]):
                rows.append(dict(dataset="d", run_id=f"{alias}-{task_id}-{i}", alias=alias,
                                 display_name=alias, task_id=task_id, task_family=family,
                                 task_source=source, human_minutes=minutes,
                                 human_source="baseline", score=float(success),
                                 success=success))
    return pd.DataFrame(rows)


def test_dataset_overview_counts():
    overview = summaries.dataset_overview(small_runs())
    row = overview.iloc[0]
    assert (row["models"], row["runs"], row["tasks"], row["families"]) == (2, 11, 3, 3)
    assert row["min_human_minutes"] == 2.0 and row["max_human_minutes"] == 480.0
    assert row["success_rate"] == pytest.approx(7 / 11)


def test_tasks_by_source_fills_zero_and_counts_runs():
    table = summaries.tasks_by_source(small_runs())
    assert table.loc[("d", "m1"), ("tasks", "HCAST")] == 2
    assert table.loc[("d", "m2"), ("runs", "HCAST")] == 4
    assert table.loc[("d", "m2"), ("runs", "RE-Bench")] == 1


def test_task_table_runs_per_model_is_median():
    tasks = summaries.task_table(small_runs()).set_index("task_id")
    assert tasks.loc["a/1", "runs"] == 5
    assert tasks.loc["a/1", "runs_per_model"] == 2.5
    assert tasks.loc["ai_rd_x/main", "task_source"] == "RE-Bench"


def test_success_by_length_buckets():
    table = summaries.success_by_length(small_runs())
    m1 = table[table["alias"] == "m1"].set_index("bucket")
    assert list(m1.index) == ["1–4 min", "16–64 min", "256–960 min"]
    assert m1.loc["16–64 min", "success_rate"] == 0.5
    assert m1.loc["1–4 min", "bucket_mid_minutes"] == pytest.approx(2.0)
    assert table["n_runs"].sum() == 11


def test_bucket_labels_cover_tails():
    labels = summaries.length_bucket_labels((0.0, 1.0, 4.0, np.inf))
    assert labels == ["< 1 min", "1–4 min", "> 4 min"]
