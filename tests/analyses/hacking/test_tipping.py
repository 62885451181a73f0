"""Tests of horizonlib.analyses.hacking.tipping: the tipping point (known answers and direct
refits)."""

import numpy as np
import pytest

from horizonlib.analyses.hacking import tipping
from horizonlib.model.horizons import fit_horizons

from tests.analyses.hacking.toy_runs import two_model_runs


def test_tipping_point_known_answer():
    """A's RE-Bench mean 0.35 < B's 0.45; re-scoring the best failure (0.5 -> 1) gives 0.475."""
    df = two_model_runs()
    a = df[df["alias"] == "A"].reset_index(drop=True)
    cand = tipping.tipping_candidates(a, "hacking_tasks", ["ai_rd_k/main"])
    assert list(a.loc[cand, "score"]) == [0.5, 0.5, 0.2, 0.2]
    tab = tipping.tipping_point(a, cand)
    np.testing.assert_allclose(tab["rebench_mean"], [0.35, 0.475, 0.6, 0.8, 1.0])
    assert tipping.overtake_k(tab, 0.45) == 1
    assert tipping.overtake_k(tab, 0.3) == 0
    assert np.isnan(tipping.overtake_k(tab, 2.0))


def test_tipping_point_matches_direct_refits():
    df = two_model_runs()
    a = df[df["alias"] == "A"].reset_index(drop=True)
    cand = tipping.tipping_candidates(a, "highest_scoring")
    tab = tipping.tipping_point(a, cand, k_max=3)
    for k in range(4):
        b = a.copy()
        b.loc[cand[:k], "success"] = 1
        direct = fit_horizons(b)["p50_min"].iloc[0]
        assert tab["p50_min"].iloc[k] == pytest.approx(direct, rel=1e-8)
    # re-scoring failures as successes can only lengthen the horizon
    assert np.all(np.diff(tab["p50_min"]) > 0)


def test_hacking_analysis_missing_model():
    assert tipping.hacking_analysis(two_model_runs(), "Z", ["B"], [])["found"] is False


def test_hacking_analysis_rows():
    res = tipping.hacking_analysis(two_model_runs(), "A", ["B"], ["ai_rd_k/main"], k_max=2)
    assert res["found"] and res["comparisons"]["k_hacking_tasks"].iloc[0] == 1
    assert set(res["ablation_rows"]["question"]) == {"reward_hacking"}
