"""Multiverse point fits: the grid reproduces the headline fit, the collapsed fits equal direct
fits, failures are reported, the results files fit their schemas, and the probit fit finds its
optimum."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtr, ndtri

from horizonlib.analyses.multiverse.doubling import doubling_multiverse, trend_results_table
from horizonlib.analyses.multiverse.fits import fit_multiverse, results_table
from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS, specification_grid
from horizonlib.analyses.multiverse.model_choice import add_labels
from horizonlib.analyses.multiverse.outcomes import subset_mask, success_values
from horizonlib.analyses.multiverse.summaries import headline_position
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.logistic import fit_logistic, horizon_at
from horizonlib.model.probit import fit_probit_batch, probit_horizon_at
from horizonlib.report.results import with_model_keys, write_results
from horizonlib.model.weights import run_weights
from tests.analyses.multiverse.planted import planted_runs


def test_probit_reaches_the_optimum_of_its_objective():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 8, 200)
    y = (rng.random(200) < ndtr(1.5 - 0.5 * x)).astype(float)
    y[:20] = rng.random(20)  # fractional outcomes too
    w = rng.uniform(0.5, 2, 200)
    w /= w.sum()
    for lam in (0.1, 0.0):
        res = fit_probit_batch(x, y, w, lam)
        assert res.status[0] == "ok"

        def f(t):
            z = t[0] + t[1] * x
            return np.sum(w * -(y * log_ndtr(z) + (1 - y) * log_ndtr(-z))) + 0.5 * lam * t[1] ** 2

        ref = minimize(f, np.zeros(2), method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000})
        assert f([res.intercept[0], res.slope[0]]) <= ref.fun + 1e-12
        np.testing.assert_allclose([res.intercept[0], res.slope[0]], ref.x, atol=1e-5)


def test_probit_recovers_planted_curve_and_horizon():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, 200_000)
    y = (rng.random(x.size) < ndtr(2.0 - 0.4 * x)).astype(float)
    res = fit_probit_batch(x, y, np.full(x.size, 1.0 / x.size), 0.0)
    assert abs(res.intercept[0] - 2.0) < 0.03 and abs(res.slope[0] + 0.4) < 0.005
    # planted p50 at x = 5 -> 32 minutes; p80 below it
    assert probit_horizon_at(0.5, 2.0, -0.4) == pytest.approx(32.0)
    assert probit_horizon_at(0.8, 2.0, -0.4) == pytest.approx(2 ** ((ndtri(0.8) - 2.0) / -0.4))


def test_probit_degenerate_statuses():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.full(4, 0.25)
    assert fit_probit_batch(x, np.zeros(4), w, 0.1).status[0] == "no_successes"
    assert fit_probit_batch(x, np.ones(4), w, 0.1).status[0] == "no_failures"
    assert fit_probit_batch(x, np.array([1.0, 1, 0, 0]), w, 0.0).status[0] == "separable"
    assert fit_probit_batch(x, np.array([1.0, 1, 0, 0]), w, 0.1).status[0] == "ok"


def test_grid_reproduces_headline_fit_exactly():
    runs = pd.concat([planted_runs(0), planted_runs(1, dataset="toy2")], ignore_index=True)
    table = fit_multiverse(runs)
    head = table[table["is_metr"]].set_index(["dataset", "model"]).sort_index()
    ref = fit_horizons(runs).set_index(["dataset", "alias"]).sort_index()
    assert list(head.index) == list(ref.index)
    for col in ("intercept", "slope", "p50_min", "p80_min"):
        np.testing.assert_allclose(head[col].to_numpy(), ref[col].to_numpy(), rtol=1e-10, atol=0)
    assert (head["status"] == ref["status"]).all()


def test_grid_reproduces_headline_fit_on_metr_data(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=str(mirror_dir))
    table = fit_multiverse(runs)
    head = table[table["is_metr"]].set_index("model").sort_index()
    ref = fit_horizons(runs).set_index("alias").sort_index()
    np.testing.assert_allclose(head["p50_min"], ref["p50_min"], rtol=1e-10)
    np.testing.assert_allclose(head["p80_min"], ref["p80_min"], rtol=1e-10)


@pytest.mark.parametrize("spec", [
    ("equal_task_weight", 0.01, "fractional", "no_rebench", "logistic"),
    ("none", 0.0, "score>=0.5", "baseline_times", "logistic"),
    ("invsqrt_task_weight", 0.1, "score>=0.8", "hcast", "probit"),
    ("none", 0.01, "fractional", "all", "probit"),
])
def test_collapsed_fit_equals_direct_fit(spec):
    """Collapsing runs into (length, outcome) cells changes nothing: compare with a direct fit on
    the filtered runs with recomputed weights."""
    weighting, reg, success, subset, link = spec
    runs = planted_runs(2)
    grid = specification_grid([weighting], [reg], [success], [subset], [link])
    table = fit_multiverse(runs, grid)
    sub = runs[subset_mask(runs, subset)].reset_index(drop=True)
    w = run_weights(sub, weighting)
    y = success_values(sub, success)
    x = np.log2(sub["human_minutes"].to_numpy())
    for alias, row in table.set_index("model").iterrows():
        m = (sub["alias"] == alias).to_numpy()
        if link == "logistic":
            fit = fit_logistic(x[m], y[m], w[m], reg)
            a, b, p50 = fit.intercept, fit.slope, horizon_at(0.5, fit.intercept, fit.slope)
        else:
            res = fit_probit_batch(x[m], y[m], w[m], reg)
            a, b = res.intercept[0], res.slope[0]
            p50 = probit_horizon_at(0.5, a, b)
        np.testing.assert_allclose([row["intercept"], row["slope"], row["p50_min"]], [a, b, p50],
                                   rtol=1e-8)
        assert row["n_runs"] == m.sum()


def test_subset_without_runs_and_missing_scores_are_reported():
    runs = planted_runs(0, sources=False)
    runs.loc[runs["alias"] == "A", "score"] = np.nan
    table = fit_multiverse(runs)
    no_runs = table[table["subset"] == "no_rebench"]
    assert (no_runs["status"] != "no_runs").all()  # every task is HCAST here
    a = table[(table["model"] == "A") & (table["success"] != "delivered")]
    assert (a["status"] == "no_score").all() and a["p50_min"].isna().all()
    runs2 = planted_runs(0)
    runs2 = runs2[~((runs2["alias"] == "B") & (runs2["task_source"] == "HCAST"))]
    t2 = fit_multiverse(runs2)
    assert (t2[(t2["model"] == "B") & (t2["subset"] == "hcast")]["status"] == "no_runs").all()


def test_results_tables_fit_their_schemas(tmp_path):
    runs = planted_runs(0)
    table = fit_multiverse(runs)
    path = write_results(with_model_keys(results_table(table)), "multiverse", tmp_path)
    back = pd.read_csv(path)
    assert len(back) == 288 * 3 and list(back.columns[:6]) == DIMENSION_COLUMNS
    assert list(back.columns[6:9]) == ["dataset", "alias", "display_name"]
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]), index=["A", "B", "C"])
    trend = doubling_multiverse(table, dates)
    write_results(trend_results_table(trend), "multiverse_trend", tmp_path)
    labelled = add_labels(headline_position(table), table)
    assert labelled["label"].tolist() == ["A (toy)", "B (toy)", "C (toy)"]
