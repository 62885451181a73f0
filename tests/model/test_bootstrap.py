"""Tests of horizonlib.model.bootstrap: the hierarchical paired bootstrap (METR's scheme)."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from horizonlib.model.bootstrap import bootstrap_horizons, draw_replicates
from horizonlib.model.logistic import fit_logistic, horizon_at
from horizonlib.model.shared_draws import SharedDraws, dataset_rng
from horizonlib.model.weights import run_weights


def _toy_runs(seed=0, n_models=3, dataset="toy"):
    """Families of 1-4 tasks; every model runs every task 1-5 times; graded difficulty."""
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(8):
        for t in range(1 + f % 4):
            minutes = float(2 ** rng.uniform(0, 9))
            for m in range(n_models):
                for r in range(1 + (f + t + m) % 5):
                    p = expit(3 + m - 0.6 * np.log2(minutes))
                    rows.append({"dataset": dataset, "alias": f"m{m}", "task_family": f"fam{f}",
                                 "task_id": f"fam{f}/t{t}", "human_minutes": minutes,
                                 "run_id": f"{dataset}-{f}-{t}-{m}-{r}",
                                 "success": int(rng.random() < p)})
    df = pd.DataFrame(rows)
    df.loc[(df["alias"] == "m0") & (df.index % 3 == 0), "success"] = 1  # both outcomes for m0
    return df


@pytest.fixture(scope="module")
def pre_paper(mirror_dir, tmp_path_factory):
    from horizonlib.data.runs import load_runs

    return load_runs(["pre-paper-2025-01"], mirror=mirror_dir,
                     cache_dir=tmp_path_factory.mktemp("cache"))


def test_structure_of_draws():
    runs = _toy_runs()
    R = 300
    d = draw_replicates(runs, R, np.random.default_rng(5))
    F, T = len(d.families), len(d.tasks)
    assert d.family_counts.shape == (R, F) and np.all(d.family_counts.sum(axis=1) == F)
    # tasks of each family: total draws = (copies of the family) x (its number of tasks)
    for f in range(F):
        members = d.task_family_index == f
        k = members.sum()
        np.testing.assert_array_equal(d.task_counts[:, members].sum(axis=1), d.family_counts[:, f] * k)
        # no task from an undrawn family
        assert np.all(d.task_counts[d.family_counts[:, f] == 0][:, members] == 0)
    # runs: drawn only within their own (task, model); m copies of a task -> m x n draws; the
    # same task multiplicity for every model (pairing)
    for (task, alias), g in runs.groupby(["task_id", "alias"]).indices.items():
        t = int(np.flatnonzero(d.tasks == task)[0])
        np.testing.assert_array_equal(d.run_counts[:, g].sum(axis=1), d.task_counts[:, t] * len(g))
    # every run is drawn on average once
    assert abs(d.run_counts.mean() - 1) < 0.05
    # variance of a family count is (1 - 1/F) for multinomial(F, 1/F)
    assert d.family_counts.var() == pytest.approx(1 - 1 / F, rel=0.15)


def test_replicate_fit_equals_fit_on_expanded_rows():
    """A replicate = METR's resampled rows with their ORIGINAL weights, not renormalized."""
    runs = _toy_runs(1)
    n_boot = 4
    out = bootstrap_horizons(runs, n_boot, np.random.default_rng(11), "invsqrt_task_weight", 0.1)
    d = draw_replicates(runs, n_boot, np.random.default_rng(11))
    w = run_weights(runs, "invsqrt_task_weight")
    for r in range(n_boot):
        for alias in ("m1", "m2"):
            rows = np.flatnonzero(runs["alias"] == alias)
            rep = np.repeat(rows, d.run_counts[r, rows])  # the resampled rows, duplicates kept
            fit = fit_logistic(np.log2(runs["human_minutes"].to_numpy()[rep]),
                               runs["success"].to_numpy()[rep].astype(float), w[rep], 0.1)
            got = out[(out.replicate == r) & (out.alias == alias) & (out.p == 0.5)]
            if fit.status == "ok":
                assert got["horizon_min"].item() == pytest.approx(
                    horizon_at(0.5, fit.intercept, fit.slope), rel=1e-9)
            assert got["status"].item() == fit.status


def test_renormalize_option_rescales_weights():
    runs = _toy_runs(2)
    a = bootstrap_horizons(runs, 20, np.random.default_rng(3), regularization=0.0)
    b = bootstrap_horizons(runs, 20, np.random.default_rng(3), regularization=0.0, renormalize=True)
    # without a penalty the scale of the weights does not matter
    np.testing.assert_allclose(a["horizon_min"], b["horizon_min"], rtol=1e-8)


def test_output_shape_and_determinism():
    runs = _toy_runs(3)
    kw = dict(weighting="invsqrt_task_weight", regularization=0.1, success_percents=(50, 80))
    a = bootstrap_horizons(runs, 50, np.random.default_rng(42), **kw)
    b = bootstrap_horizons(runs, 50, np.random.default_rng(42), **kw)
    c = bootstrap_horizons(runs, 50, np.random.default_rng(43), **kw)
    assert list(a.columns) == ["replicate", "dataset", "alias", "p", "horizon_min", "status"]
    assert len(a) == 50 * 3 * 2
    digest = lambda df: hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()
    assert digest(a) == digest(b)
    assert digest(a) != digest(c)
    assert set(a["p"]) == {0.5, 0.8}


def test_degenerate_models_are_counted_not_dropped():
    runs = _toy_runs(4)
    runs.loc[runs["alias"] == "m2", "success"] = 0  # never succeeds
    hard = (runs["alias"] == "m1") & (runs["task_family"] != "fam0")
    runs.loc[hard, "success"] = 0  # succeeds only on family fam0
    runs.loc[(runs["alias"] == "m1") & (runs["task_family"] == "fam0"), "success"] = 1
    out = bootstrap_horizons(runs, 200, np.random.default_rng(0))
    m2 = out[out.alias == "m2"]
    assert len(m2) == 400 and (m2["status"] == "no_successes").all() and m2["horizon_min"].isna().all()
    m1 = out[(out.alias == "m1") & (out.p == 0.5)]
    n_bad = (m1["status"] != "ok").sum()
    # fam0 is missed with probability (7/8)^8 ~ 0.34
    assert 30 < n_bad < 120
    assert m1.loc[m1["status"] != "ok", "horizon_min"].isna().all()
    assert m1.loc[m1["status"] == "ok", "horizon_min"].notna().all()


def test_datasets_are_bootstrapped_independently():
    a, b = _toy_runs(5, dataset="A"), _toy_runs(6, dataset="B")
    both = bootstrap_horizons(pd.concat([a, b], ignore_index=True), 30, np.random.default_rng(9))
    assert set(zip(both.dataset, both.alias)) == {(ds, f"m{m}") for ds in "AB" for m in range(3)}
    # dataset A alone, same generator state -> same draws for A (datasets in sorted order)
    only_a = bootstrap_horizons(a, 30, np.random.default_rng(9))
    pd.testing.assert_frame_equal(both[both.dataset == "A"].reset_index(drop=True), only_a)


def test_rng_is_required():
    with pytest.raises(ValueError, match="Generator"):
        bootstrap_horizons(_toy_runs(), 5, None)


def test_shared_draws_fit_the_draws_own_multiplicities(tmp_path):
    """With ``draws=``, replicate r of a model is the fit on the runs drawn by
    ``draws.for_dataset`` (expanded rows, original weights); ``n_bootstrap`` comes from draws."""
    runs = _toy_runs(7)
    draws = SharedDraws(6, seed=5, cache_dir=tmp_path)
    out = bootstrap_horizons(runs, 999, None, "invsqrt_task_weight", 0.1, draws=draws)
    assert out["replicate"].max() == 5
    counts = draws.for_dataset(runs).run_counts
    w = run_weights(runs, "invsqrt_task_weight")
    for r in range(6):
        for alias in ("m0", "m1", "m2"):
            rows = np.flatnonzero(runs["alias"] == alias)
            rep = np.repeat(rows, counts[r, rows])
            fit = fit_logistic(np.log2(runs["human_minutes"].to_numpy()[rep]),
                               runs["success"].to_numpy()[rep].astype(float), w[rep], 0.1)
            got = out[(out.replicate == r) & (out.alias == alias) & (out.p == 0.5)]
            assert got["status"].item() == fit.status
            if fit.status == "ok":
                assert got["horizon_min"].item() == pytest.approx(
                    horizon_at(0.5, fit.intercept, fit.slope), rel=1e-9)


def test_shared_draws_are_each_dataset_own_stream():
    a, b = _toy_runs(5, dataset="A"), _toy_runs(6, dataset="B")
    both = bootstrap_horizons(pd.concat([a, b], ignore_index=True), draws=SharedDraws(20, 3))
    for name, part in (("A", a), ("B", b)):
        alone = bootstrap_horizons(part, 20, dataset_rng(3, name))
        pd.testing.assert_frame_equal(both[both.dataset == name].reset_index(drop=True), alone)


def test_pre_paper_bootstrap(pre_paper):
    out = bootstrap_horizons(pre_paper, 200, np.random.default_rng(2025))
    assert out.groupby(["alias"]).size().eq(400).all()
    dav = out[out.alias == "davinci-002"]
    assert (dav["status"] == "no_successes").all()  # no success at all in this file
    ok = out[(out.status == "ok") & (out.p == 0.5)]
    med = ok.groupby("alias")["horizon_min"].median()
    assert med["Claude 3.5 Sonnet (New)"] > med["GPT-4 0314"] > 0
    assert ((out.status == "ok") | out.horizon_min.isna()).all()
