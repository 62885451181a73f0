"""Tests of horizonlib.model.horizons: per-model point fits and the horizon table with bootstrap CIs."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.horizons import (
    HORIZON_RESULT_COLUMNS,
    HORIZON_TABLE_COLUMNS,
    fit_horizons,
    horizon_table,
)


@pytest.fixture(scope="module")
def pre_paper(mirror_dir, tmp_path_factory):
    from horizonlib.data.runs import load_runs

    return load_runs(["pre-paper-2025-01"], mirror=mirror_dir,
                     cache_dir=tmp_path_factory.mktemp("cache"))


def _planted(rng, n_tasks=400, runs_per_task=8, a=4.0, b=-0.8):
    minutes = 2 ** rng.uniform(-2, 11, n_tasks)
    rows = []
    for t, m in enumerate(minutes):
        for r in range(runs_per_task):
            rows.append({"dataset": "sim", "alias": "planted", "task_family": f"f{t // 2}",
                         "task_id": f"f{t // 2}/t{t}", "human_minutes": m,
                         "success": int(rng.random() < expit(a + b * np.log2(m)))})
    return pd.DataFrame(rows)


def test_fit_recovers_planted_horizon():
    runs = _planted(np.random.default_rng(0))
    fit = fit_horizons(runs, "equal_task_weight", 0.0).iloc[0]
    assert fit["status"] == "ok"
    assert fit["p50_min"] == pytest.approx(2 ** (4 / 0.8), rel=0.15)
    assert fit["slope"] == pytest.approx(-0.8, rel=0.1)


def test_fit_horizons_pre_paper(pre_paper):
    fits = fit_horizons(pre_paper)
    assert list(fits.columns) == ["dataset", "alias", "display_name", "intercept", "slope", "status",
                                  "n_runs", "n_tasks", "weighted_success_rate", "p50_min", "p80_min"]
    assert len(fits) == 10
    f = fits.set_index("alias")
    assert f.loc["davinci-002", "status"] == "no_successes"
    assert np.isnan(f.loc["davinci-002", "p50_min"])
    good = f.drop("davinci-002")
    assert (good["status"] == "ok").all() and (good["slope"] < 0).all()
    assert (good["p80_min"] < good["p50_min"]).all()
    assert f.loc["Claude 3.5 Sonnet (New)", "p50_min"] > f.loc["GPT-4 0314", "p50_min"]
    assert f["n_runs"].sum() == len(pre_paper)


def test_horizon_table_columns_and_ci(pre_paper):
    samples = bootstrap_horizons(pre_paper, 100, np.random.default_rng(1))
    tab = horizon_table(pre_paper, n_bootstrap=100, samples=samples)
    assert list(tab.columns) == HORIZON_RESULT_COLUMNS
    assert set(HORIZON_TABLE_COLUMNS) < set(HORIZON_RESULT_COLUMNS)
    assert len(tab) == 20 and set(tab["p"]) == {0.5, 0.8} and (tab["source"] == "fitted").all()
    ok = tab[tab["model"] != "davinci-002"]
    assert (ok["ci_low_min"] <= ok["ci_high_min"]).all()
    # the point estimate lies inside its interval for the well-measured models
    inside = (ok["ci_low_min"] <= ok["horizon_min"]) & (ok["horizon_min"] <= ok["ci_high_min"])
    assert inside.mean() >= 0.9
    dav = tab[tab["model"] == "davinci-002"]
    assert (dav["failed_replicates"] == 100).all() and dav["ci_low_min"].isna().all()
    # same seed through the function itself: identical table
    t1 = horizon_table(pre_paper, n_bootstrap=30, rng=np.random.default_rng(7))
    t2 = horizon_table(pre_paper, n_bootstrap=30, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(t1, t2)


def test_horizon_table_needs_rng(pre_paper):
    with pytest.raises(ValueError, match="Generator"):
        horizon_table(pre_paper, n_bootstrap=5)


def test_planted_ci_covers_truth():
    runs = _planted(np.random.default_rng(3))
    tab = horizon_table(runs, "equal_task_weight", 0.0, n_bootstrap=200,
                        rng=np.random.default_rng(4))
    row = tab[tab["p"] == 0.5].iloc[0]
    assert row["ci_low_min"] < 2 ** 5 < row["ci_high_min"]
    assert row["failed_replicates"] == 0
