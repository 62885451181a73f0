"""One set of draws per build: the same rows and settings give the same draws, from memory or disk."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.model import shared_draws as sd
from horizonlib.model.bootstrap import draw_replicates


def _runs(dataset="d1", n_tasks=6, runs_per=3):
    rows = []
    for t in range(n_tasks):
        for a in ("A", "B"):
            for r in range(runs_per):
                rows.append({"dataset": dataset, "alias": a, "task_id": f"t{t}",
                             "task_family": f"f{t // 2}", "run_id": f"{dataset}-{a}-{t}-{r}"})
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def empty_memory(monkeypatch):
    monkeypatch.setattr(sd, "_MEMORY", {})


def _equal(a, b):
    for k in sd.ReplicateDraws.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)


def test_draws_are_those_of_the_dataset_stream():
    runs = _runs()
    got = sd.SharedDraws(50, seed=3).for_dataset(runs)
    _equal(got, draw_replicates(runs, 50, sd.dataset_rng(3, "d1")))
    assert got.run_counts.shape == (50, len(runs))


def test_a_dataset_stream_does_not_depend_on_other_datasets():
    one, two = _runs("d1"), _runs("d2")
    a = sd.SharedDraws(20, seed=1).for_dataset(one)
    sd._MEMORY.clear()
    sd.SharedDraws(20, seed=1).for_dataset(two)
    b = sd.SharedDraws(20, seed=1).for_dataset(one)
    _equal(a, b)
    assert not np.array_equal(sd.SharedDraws(20, seed=1).for_dataset(two).run_counts, a.run_counts)


def test_disk_cache_round_trip_and_reuse(tmp_path):
    runs = _runs()
    first = sd.SharedDraws(30, seed=7, cache_dir=tmp_path)
    a = first.for_dataset(runs)
    assert first.drawn == 1 and len(list(tmp_path.glob("draws-*.npz"))) == 1
    sd._MEMORY.clear()  # as a new kernel would start
    second = sd.SharedDraws(30, seed=7, cache_dir=tmp_path)
    b = second.for_dataset(runs)
    assert second.drawn == 0
    _equal(a, b)
    assert not list(tmp_path.glob("*.tmp"))


def test_other_settings_or_rows_are_other_draws(tmp_path):
    runs = _runs()
    base = sd.SharedDraws(30, seed=7, cache_dir=tmp_path).for_dataset(runs)
    other_seed = sd.SharedDraws(30, seed=8, cache_dir=tmp_path).for_dataset(runs)
    fewer = sd.SharedDraws(30, seed=7, cache_dir=tmp_path).for_dataset(runs.iloc[:-1])
    assert not np.array_equal(base.run_counts, other_seed.run_counts)
    assert fewer.run_counts.shape[1] == len(runs) - 1
    assert len(list(tmp_path.glob("draws-*.npz"))) == 3


def test_rejects_several_datasets_and_unknown_generator():
    with pytest.raises(ValueError, match="one dataset"):
        sd.SharedDraws(5, 0).for_dataset(pd.concat([_runs("d1"), _runs("d2")]))
    with pytest.raises(ValueError, match="bootstrap_rng"):
        sd.SharedDraws(5, 0, bootstrap_rng="nope")


def test_rows_to_resample_are_the_agents_unless_metrs_streams(tmp_path):
    """METR's streams are drawn on the run file with its human baselines, the book's on the agents."""
    from horizonlib.data.runs import load_runs
    from horizonlib.data.simulate import write_synthetic_runs

    path = str(write_synthetic_runs(tmp_path / "runs.jsonl"))
    agents = load_runs([path])
    assert sd.SharedDraws(5, 0).rows_to_resample([path], agents) is agents
    metr = sd.SharedDraws(5, 0, "metr").rows_to_resample([path], agents)
    pd.testing.assert_frame_equal(metr, load_runs([path], include_humans=True))
