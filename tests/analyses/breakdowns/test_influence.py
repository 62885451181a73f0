"""Tests of horizonlib.analyses.breakdowns.influence: leave-one-out weights and refits."""

from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.weights import run_weights

from tests.analyses.breakdowns.toy_runs import make_runs, simulated


@st.composite
def small_model_runs(draw):
    n_tasks = draw(st.integers(2, 7))
    rows = []
    for t in range(n_tasks):
        fam = draw(st.integers(0, 2))
        n = draw(st.integers(1, 3))
        for i in range(n):
            rows.append(dict(dataset="d", alias="m", run_id=f"{t}-{i}", task_id=f"f{fam}/t{t}",
                             task_family=f"f{fam}"))
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(small_model_runs(), st.sampled_from(["task", "family"]),
       st.sampled_from(["invsqrt_task_weight", "equal_task_weight", "none"]))
def test_loo_weights_equal_run_weights_recomputed_on_the_dropped_data(runs, level, weighting):
    units, W = influence_refits.loo_weights(runs, level, weighting)
    col = "task_id" if level == "task" else "task_family"
    assert list(units) == sorted(runs[col].unique())
    for u, row in zip(units, W):
        keep = (runs[col] != u).to_numpy()
        assert np.all(row[~keep] == 0)
        if keep.any():
            np.testing.assert_allclose(row[keep], run_weights(runs[keep], weighting), atol=1e-12)
            assert row.sum() == pytest.approx(1.0)


def test_leave_one_out_matches_refits_one_at_a_time():
    runs = simulated()
    runs = runs[runs["alias"].isin(["Sim-Cedar", "Sim-Fir"])]
    for level, col in (("task", "task_id"), ("family", "task_family")):
        loo = influence_refits.leave_one_out(runs, level, regularization=0.1)
        for alias in ["Sim-Cedar", "Sim-Fir"]:
            mine = loo[loo["alias"] == alias]
            assert len(mine) == runs.loc[runs["alias"] == alias, col].nunique()
            for r in mine.sample(4, random_state=0).itertuples():
                ref = fit_horizons(runs[(runs["alias"] == alias) & (runs[col] != r.dropped)],
                                   "invsqrt_task_weight", 0.1, [50])
                assert r.p50_min == pytest.approx(float(ref["p50_min"].iloc[0]), rel=1e-7)
            full = fit_horizons(runs[runs["alias"] == alias], "invsqrt_task_weight", 0.1, [50])
            assert mine["full_p50_min"].iloc[0] == pytest.approx(float(full["p50_min"].iloc[0]), rel=1e-9)
            np.testing.assert_allclose(mine["ratio_to_full"], mine["p50_min"] / mine["full_p50_min"])


def test_dropping_the_only_long_success_shortens_the_horizon():
    # planted: the model succeeds on everything short and on one long task only
    spec = {"m": [(f"h{i}/1", f"h{i}", "HCAST", 2 ** i, [1, 1, 1, 0] if i < 6 else [0, 0, 0, 0])
                  for i in range(10)]
            + [("long/1", "long", "HCAST", 2 ** 9, [1, 1, 1, 1])]}
    loo = influence_refits.leave_one_out(make_runs(spec), "task", regularization=0.0)
    top = influence_refits.top_movers(loo, 1).iloc[0]
    assert top["dropped"] == "long/1" and top["ratio_to_full"] < 1
