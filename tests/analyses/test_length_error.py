"""Human-length error inside the bootstrap: no error changes nothing, error widens, subsets."""

import numpy as np
import pytest

from horizonlib.analyses import length_error as LE
from horizonlib.model.shared_draws import SharedDraws
from horizonlib.data.runs import load_runs
from horizonlib.data.simulate import synthetic_release_dates, write_synthetic_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path = write_synthetic_runs(tmp_path_factory.mktemp("syn") / "synthetic.jsonl")
    return load_runs([str(path)])


def boot(runs, baseline, estimate, seed=1, n=60):
    return LE.length_error_bootstrap(runs, SharedDraws(n, seed), np.random.default_rng(seed),
                                     "invsqrt_task_weight",
                                     0.1, baseline, estimate)


def test_zero_error_reproduces_the_plain_bootstrap(runs):
    points, samples = boot(runs, 0.0, 0.0)
    a = samples[samples["variant"] == "metr"]["horizon_min"].to_numpy()
    b = samples[samples["variant"] == "length_error"]["horizon_min"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_length_error_widens_the_interval(runs):
    points, samples = boot(runs, 1.0, 1.5)
    table = LE.length_error_table(points, samples, 0.95)
    t50 = table[np.isclose(table["p"], 0.5)].pivot(index="alias", columns="variant",
                                                   values="ci_width_doublings")
    assert (t50["length_error"] > t50["metr"]).mean() >= 0.8
    # the point estimate is the fit on the lengths as given, the same in both variants
    p = table[np.isclose(table["p"], 0.5)].pivot(index="alias", columns="variant", values="horizon_min")
    np.testing.assert_allclose(p["length_error"], p["metr"])


def test_baselined_only_uses_the_baselined_tasks(runs):
    points, _ = boot(runs, 1.0, 1.5)
    n_base = runs[runs["human_source"] == "baseline"]["task_id"].nunique()
    bo = points[points["variant"] == "baselined_only"]
    assert (bo["n_tasks"] == n_base).all()
    assert (points[points["variant"] == "metr"]["n_tasks"] == runs["task_id"].nunique()).all()


def test_same_seed_same_draws(runs):
    assert boot(runs, 1.0, 1.5, seed=3)[1].equals(boot(runs, 1.0, 1.5, seed=3)[1])


def test_error_sd_follows_the_human_source():
    import pandas as pd
    sd = LE.task_error_sd(pd.Series(["baseline", "estimate", "qa"]), 0.5, 2.0)
    assert list(sd) == [0.5, 2.0, 2.0]


def test_doubling_time_per_variant(runs):
    points, samples = boot(runs, 1.0, 1.5)
    trend = LE.length_error_trend(points, samples, synthetic_release_dates(), "2019-01-01", 0.95)
    assert set(trend["variant"]) == set(LE.VARIANTS)
    metr = trend.set_index("variant").loc["metr"]
    assert metr["ci_low_days"] <= metr["doubling_days"] <= metr["ci_high_days"]
    assert 100 < metr["doubling_days"] < 400  # planted: 210 days


def test_metr_variant_resamples_the_fit_chapters_replicates(runs):
    """Given the build's shared draws, the 'metr' variant's replicates are the fit chapter's."""
    from horizonlib.model.bootstrap import bootstrap_horizons

    draws = SharedDraws(40, 5)
    _, samples = LE.length_error_bootstrap(runs, draws, np.random.default_rng(1),
                                           "invsqrt_task_weight", 0.1, 1.0, 1.5)
    fit = bootstrap_horizons(runs, weighting="invsqrt_task_weight", regularization=0.1, draws=draws)
    both = samples[samples["variant"] == "metr"].merge(fit, on=["dataset", "alias", "replicate", "p"])
    assert len(both) == len(fit)
    np.testing.assert_allclose(both["horizon_min_x"], both["horizon_min_y"], rtol=1e-9)


def test_every_variant_fits_the_same_models(runs):
    """The variants differ in horizons only: the models are the metr variant's frontier, and
    a model whose horizon is below METR's floor in the metr variant stays out of all of them."""
    points, samples = boot(runs, 1.0, 1.5)
    dates = synthetic_release_dates()
    trend = LE.length_error_trend(points, samples, dates, "2019-01-01", 0.95).set_index("variant")
    assert trend["aliases"].nunique() == 1
    assert (trend["n_models"] == trend.loc["metr", "aliases"].count(";") + 1).all()
    # push one frontier model below the floor in the metr variant only: it leaves every variant
    first = trend.loc["metr", "aliases"].split(";")[0]
    low = points.copy()
    low.loc[(low["alias"] == first) & (low["variant"] == "metr"), "horizon_min"] = 1e-6
    trend2 = LE.length_error_trend(low, samples, dates, "2019-01-01", 0.95).set_index("variant")
    for variant in LE.VARIANTS:
        assert first not in trend2.loc[variant, "aliases"].split(";")
