"""Multiverse: the grid reproduces the headline fit, the collapsed fits equal direct fits, the
variance shares and ranks have known answers, and the probit fit finds its optimum."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import expit, log_ndtr, ndtr, ndtri

from horizonlib.analyses import multiverse as mv
from horizonlib.model.horizons import fit_horizons, horizon_table
from horizonlib.model.logistic import fit_logistic, horizon_at
from horizonlib.model.probit import fit_probit_batch, probit_horizon_at
from horizonlib.report.results import write_results
from horizonlib.model.trend import fit_trend, frontier_models
from horizonlib.model.weights import run_weights


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


# --------------------------------------------------------------------------- probit


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


# --------------------------------------------------------------------------- grid


def test_grid_size_and_headline_row():
    grid = mv.specification_grid()
    assert len(grid) == 3 * 3 * 4 * 4 * 2 == 288
    assert grid["is_metr"].sum() == 1
    head = grid[grid["is_metr"]].iloc[0]
    assert (head["weighting"], head["regularization"], head["success"], head["subset"],
            head["link"], head["hack_policy"]) == (
        "invsqrt_task_weight", 0.1, "delivered", "all", "logistic", mv.NO_FLAGS)
    flagged = mv.specification_grid(hack_policy=mv.DIMENSIONS["hack_policy"])
    assert len(flagged) == 864 and flagged["is_metr"].sum() == 1
    with pytest.raises(ValueError, match="unknown"):
        mv.specification_grid(success=["score>0.3"])


def test_one_at_a_time_changes_one_choice():
    oat = mv.one_at_a_time(mv.specification_grid())
    assert len(oat) == 1 + 2 + 2 + 3 + 3 + 1
    assert oat.iloc[0]["changed"] == "none" and oat.iloc[0]["is_metr"]
    assert oat["changed"].value_counts()["subset"] == 3


def test_grid_reproduces_headline_fit_exactly():
    runs = pd.concat([planted_runs(0), planted_runs(1, dataset="toy2")], ignore_index=True)
    table = mv.fit_multiverse(runs)
    head = table[table["is_metr"]].set_index(["dataset", "model"]).sort_index()
    ref = fit_horizons(runs).set_index(["dataset", "alias"]).sort_index()
    assert list(head.index) == list(ref.index)
    for col in ("intercept", "slope", "p50_min", "p80_min"):
        np.testing.assert_allclose(head[col].to_numpy(), ref[col].to_numpy(), rtol=1e-10, atol=0)
    assert (head["status"] == ref["status"]).all()


def test_grid_reproduces_headline_fit_on_metr_data(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=str(mirror_dir))
    table = mv.fit_multiverse(runs)
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
    grid = mv.specification_grid([weighting], [reg], [success], [subset], [link])
    table = mv.fit_multiverse(runs, grid)
    sub = runs[mv.subset_mask(runs, subset)].reset_index(drop=True)
    w = run_weights(sub, weighting)
    y = mv.success_values(sub, success)
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
    table = mv.fit_multiverse(runs)
    no_runs = table[table["subset"] == "no_rebench"]
    assert (no_runs["status"] != "no_runs").all()  # every task is HCAST here
    a = table[(table["model"] == "A") & (table["success"] != "delivered")]
    assert (a["status"] == "no_score").all() and a["p50_min"].isna().all()
    runs2 = planted_runs(0)
    runs2 = runs2[~((runs2["alias"] == "B") & (runs2["task_source"] == "HCAST"))]
    t2 = mv.fit_multiverse(runs2)
    assert (t2[(t2["model"] == "B") & (t2["subset"] == "hcast")]["status"] == "no_runs").all()


def test_hack_policies(tmp_path):
    runs = planted_runs(0)
    flagged = runs[(runs["alias"] == "C") & (runs["success"] == 0)
                   & (runs["human_minutes"] > 60)].head(6)
    path = tmp_path / "flags.csv"
    flagged[["run_id"]].to_csv(path, index=False)
    flags = mv.load_hack_flags(path)
    table = mv.fit_multiverse(runs, hack_flags=flags)
    assert table["spec"].nunique() == 864
    head = table[table["is_metr"]].set_index("model")
    ref = fit_horizons(runs).set_index("alias")
    np.testing.assert_allclose(head["p50_min"], ref["p50_min"], rtol=1e-10)
    base = dict(weighting="invsqrt_task_weight", regularization=0.1, success="delivered",
                subset="all", link="logistic", model="C")
    sel = table.loc[(table[list(base)] == pd.Series(base)).all(axis=1)].set_index("hack_policy")
    assert sel.loc["success", "p50_min"] > sel.loc["failure", "p50_min"]
    assert sel.loc["excluded", "n_runs"] == sel.loc["failure", "n_runs"] - 6
    other = table[(table["model"] == "A") & (table["success"] == "delivered")]
    assert other.groupby(["weighting", "regularization", "subset", "link"])["p50_min"].nunique().max() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id\n1\n")
    with pytest.raises(ValueError, match="run_id"):
        mv.load_hack_flags(bad)
    with pytest.raises(ValueError, match="hack_flags"):
        mv.fit_multiverse(runs, mv.specification_grid(hack_policy=["failure"]))


# --------------------------------------------------------------------------- summaries


def test_dimension_without_effect_has_zero_variance_share():
    """Binary scores equal to the delivered success, all tasks HCAST with baselined times: the
    success rule and the task subset cannot change any fit, so they explain exactly nothing."""
    runs = planted_runs(5, binary_scores=True, sources=False)
    table = mv.fit_multiverse(runs)
    shares = mv.variance_shares(table).set_index(["model", "dimension"])["share"]
    for model in ("A", "B", "C"):
        assert shares[(model, "success")] == 0.0
        assert shares[(model, "subset")] == 0.0
        assert shares[(model, "hack_policy")] == 0.0
        assert shares[(model, "regularization")] > 0
        assert shares[(model, "link")] > 0


def test_variance_shares_known_answer():
    # balanced 3 x 2 grid, additive on log2 scale: a = (-1, 0, 1), b = (-2, 2)
    rows = [{"dataset": "d", "model": "m", "weighting": w, "regularization": r, "success": "delivered",
             "subset": "all", "link": "logistic", "hack_policy": mv.NO_FLAGS,
             "p50_min": 2.0 ** (a + b)}
            for w, a in zip(mv.DIMENSIONS["weighting"], (-1, 0, 1))
            for r, b in zip((0.1, 0.0), (-2, 2))]
    shares = mv.variance_shares(pd.DataFrame(rows)).set_index("dimension")["share"]
    # SS_w = 2 * (1 + 0 + 1) = 4; SS_r = 3 * (4 + 4) = 24; total 28
    assert shares["weighting"] == pytest.approx(4 / 28)
    assert shares["regularization"] == pytest.approx(24 / 28)
    assert shares["interactions"] == pytest.approx(0.0, abs=1e-12)
    assert shares["link"] == 0.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=24, max_size=24))
def test_variance_shares_are_fractions_on_balanced_grids(vals):
    grid = mv.specification_grid(regularization=[0.1, 0.0], success=["delivered", "fractional"],
                                 subset=["all"], link=["logistic", "probit"])
    table = grid.assign(dataset="d", model="m", p50_min=np.exp2(np.array(vals[:len(grid)])))
    shares = mv.variance_shares(table).set_index("dimension")["share"]
    assert (shares[mv.DIMENSION_COLUMNS] >= -1e-12).all()
    # balanced: main effects are orthogonal, so with interactions they sum to one
    assert shares.sum() == pytest.approx(1.0, abs=1e-9) or shares.sum() == 0.0


def test_headline_position_known_answer():
    table = pd.DataFrame({"dataset": "d", "model": "m", "p50_min": np.arange(1.0, 11.0),
                          "is_metr": np.arange(10) == 2})
    pos = mv.headline_position(table).iloc[0]
    assert pos["headline"] == 3.0 and pos["rank"] == 3.0
    assert pos["percentile"] == pytest.approx(25.0)  # (2 below + 0.5) / 10
    assert pos["max_over_min"] == 10.0 and pos["median"] == 5.5


def test_dimension_effects_ratio():
    rows = [{"dataset": "d", "model": "m", "weighting": w, "regularization": r, "success": "delivered",
             "subset": "all", "link": "logistic", "hack_policy": mv.NO_FLAGS,
             "p50_min": f * g}
            for w, f in zip(mv.DIMENSIONS["weighting"], (1.0, 2.0, 0.5))
            for r, g in zip((0.1, 0.0), (10.0, 30.0))]
    eff = mv.dimension_effects(pd.DataFrame(rows)).set_index(["dimension", "level"])["median_ratio"]
    assert eff[("weighting", "equal_task_weight")] == pytest.approx(2.0)
    assert eff[("weighting", "none")] == pytest.approx(0.5)
    assert eff[("regularization", 0.0)] == pytest.approx(3.0)


def test_specification_curve_sorted():
    table = mv.fit_multiverse(planted_runs(0))
    cur = mv.specification_curve(table, "toy", "A")
    assert np.all(np.diff(cur["p50_min"]) >= 0) and cur["is_metr"].sum() == 1


# --------------------------------------------------------------------------- doubling time


def test_doubling_multiverse_matches_trend_module():
    models = [(f"M{i}", 0.5 + 0.9 * i + 0.3 * (i % 2), -0.7) for i in range(6)]
    runs = planted_runs(7, models=models)
    dates = pd.Series(pd.to_datetime(["2019-06-01", "2020-03-01", "2021-01-01", "2021-01-01",
                                      "2022-05-01", "2023-02-01"]), index=[m[0] for m in models])
    table = mv.fit_multiverse(runs, mv.specification_grid(success=["delivered", "fractional"],
                                                          subset=["all"], link=["logistic"]))
    trend = mv.doubling_multiverse(table, dates, windows=["2019-01-01", "2021-01-01"])
    for _, row in trend.iterrows():
        p50 = table[table["spec"] == row["spec"]].set_index("model")["p50_min"].dropna()
        p50 = p50[p50 >= 1e-3]
        in_win = [m for m in p50.index if dates[m] >= pd.Timestamp(row["window_start"])]
        if row["selection"] == "frontier":
            chosen = frontier_models(p50, dates, start=row["window_start"])
        else:
            chosen = sorted(in_win, key=lambda m: (dates[m], m))
        assert row["models"].split(";") == chosen or sorted(row["models"].split(";")) == sorted(chosen)
        assert row["n_models"] == len(chosen)
        expected = fit_trend(p50[chosen], dates)[2] if len(chosen) >= 2 else np.nan
        np.testing.assert_allclose(row["doubling_days"], expected, rtol=1e-10)
    assert trend["is_metr"].sum() == 4  # 2 windows x 2 selections


def test_doubling_multiverse_leaves_out_undated_models():
    table = mv.fit_multiverse(planted_runs(0), mv.specification_grid(
        weighting=["invsqrt_task_weight"], regularization=[0.1], success=["delivered"],
        subset=["all"], link=["logistic"]))
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"]), index=["A", "B"])
    trend = mv.doubling_multiverse(table, dates, selections=["all"])
    assert trend.iloc[0]["models"] == "A;B"


# --------------------------------------------------------------------------- bootstrap, results


def test_bootstrap_headline_equals_horizon_table():
    runs = planted_runs(0)
    grid = mv.specification_grid()
    specs = mv.one_at_a_time(grid).head(3)
    boot = mv.bootstrap_specifications(runs, specs, 50, np.random.default_rng(11))
    ref = horizon_table(runs, n_bootstrap=50, rng=np.random.default_rng(11))
    head = boot[boot["is_metr"]].set_index(["model", "p"]).sort_index()
    ref = ref.set_index(["model", "p"]).sort_index()
    np.testing.assert_allclose(head["ci_low_min"], ref["ci_low_min"], rtol=1e-8)
    np.testing.assert_allclose(head["ci_high_min"], ref["ci_high_min"], rtol=1e-8)
    np.testing.assert_allclose(head["horizon_min"], ref["horizon_min"], rtol=1e-10)
    assert (head["failed_replicates"] == ref["failed_replicates"]).all()
    again = mv.bootstrap_specifications(runs, specs, 50, np.random.default_rng(11))
    pd.testing.assert_frame_equal(boot, again)
    assert len(boot) == 3 * 3 * 2
    with pytest.raises(TypeError):
        mv.bootstrap_specifications(runs, specs, 5, 0)


def test_results_tables_fit_their_schemas(tmp_path):
    runs = planted_runs(0)
    table = mv.fit_multiverse(runs)
    path = write_results(mv.results_table(table), "multiverse", tmp_path)
    back = pd.read_csv(path)
    assert len(back) == 288 * 3 and list(back.columns[:6]) == mv.DIMENSION_COLUMNS
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]), index=["A", "B", "C"])
    trend = mv.doubling_multiverse(table, dates)
    write_results(mv.trend_results_table(trend), "multiverse_trend", tmp_path)
    labelled = mv.add_labels(mv.headline_position(table), table)
    assert labelled["label"].tolist() == ["A (toy)", "B (toy)", "C (toy)"]


# --- chapter helpers ----------------------------------------------------------------------------


def test_model_eligibility_excludes_a_horizon_outside_the_task_lengths():
    # Z succeeds on the shortest tasks only now and then: a horizon far below one minute
    runs = planted_runs(0, models=(("A", 2.0, -0.7), ("Z", -1.5, -0.7)))
    table = mv.fit_multiverse(runs)
    elig = mv.model_eligibility(table, runs).set_index("model")
    assert bool(elig.loc["A", "included"]) and elig.loc["A", "reason"] == ""
    assert not elig.loc["Z", "included"] and "outside the task lengths" in elig.loc["Z", "reason"]
    kept = mv.included_rows(table, elig.reset_index())
    assert set(kept["model"]) == {"A"}


def test_choose_focus_models_prefers_the_focus_dataset():
    runs = pd.concat([planted_runs(0, dataset="old"),
                      planted_runs(1, models=(("A", 2.0, -0.7), ("C", 5.5, -0.8)),
                                   dataset="new")], ignore_index=True)
    table = mv.fit_multiverse(runs, mv.specification_grid(weighting=["invsqrt_task_weight"],
                                                          success=["delivered"]))
    picks = mv.choose_focus_models(table, ["C"], ["A", "B"])
    # the focus model's first dataset ("new") is home: A from there, B only exists in "old"
    assert list(zip(picks["display_name"], picks["dataset"])) == [("C", "new"), ("A", "new"),
                                                                 ("B", "old")]
    picks = mv.choose_focus_models(table.assign(
        display_name=table["display_name"].where(table["dataset"] == "new", "x" + table["model"])),
        ["C"], ["A"])
    assert list(picks["dataset"]) == ["new", "new"]


def test_bootstrap_of_chosen_models_equals_the_full_bootstrap():
    runs = planted_runs(0)
    specs = mv.one_at_a_time(mv.specification_grid(weighting=["invsqrt_task_weight"],
                                                   success=["delivered", "fractional"]))
    full = mv.bootstrap_specifications(runs, specs, 30, np.random.default_rng(5))
    some = mv.bootstrap_specifications(runs, specs, 30, np.random.default_rng(5),
                                       models=pd.DataFrame({"dataset": ["toy"], "model": ["B"]}))
    assert set(some["model"]) == {"B"}
    pd.testing.assert_frame_equal(some.reset_index(drop=True),
                                  full[full["model"] == "B"].reset_index(drop=True))
    picks = mv.choose_focus_models(mv.fit_multiverse(runs, specs), ["B"], ["A"])
    k, n = mv.outside_ci_count(full, specs, picks.iloc[0])
    assert n == len(specs) - 1 and 0 <= k <= n


def test_largest_single_change_is_one_at_a_time_from_metr():
    """The quoted largest change is a one-choice change from METR's specification, read off the
    same fits as the table of single changes (a planted value decides which)."""
    runs = planted_runs(0)
    grid = mv.specification_grid()
    table = mv.fit_multiverse(runs, grid)
    oat = mv.one_at_a_time(grid)
    rows = table[(table["model"] == "C")].merge(oat[["spec", "changed"]], on="spec")
    metr = float(rows.loc[rows["changed"] == "none", "p50_min"].iloc[0])
    # plant: the probit spec (one change) moves C's horizon by a factor of 5
    probit = rows.loc[rows["changed"] == "link", "spec"].iloc[0]
    planted = table.copy()
    planted.loc[(planted["spec"] == probit) & (planted["model"] == "C"), "p50_min"] = 1000 * metr
    got = mv.largest_single_change(planted, grid, "toy", "C")
    assert got["dimension"] == "link" and got["level"] == "probit"
    assert got["ratio"] == pytest.approx(1000.0) and got["metr_min"] == pytest.approx(metr)
    # a change of two choices at once (not one at a time) is never the answer
    two = table[(table["model"] == "C") & ~table["spec"].isin(oat["spec"])]["spec"].iloc[0]
    planted.loc[(planted["spec"] == two) & (planted["model"] == "C"), "p50_min"] = 1e5 * metr
    assert mv.largest_single_change(planted, grid, "toy", "C")["ratio"] == pytest.approx(1000.0)
    assert mv.largest_single_change(planted, grid, "toy", "absent") is None
