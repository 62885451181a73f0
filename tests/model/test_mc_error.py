"""Monte Carlo error of percentile-interval bounds: the order-statistic rule and its uses."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.model.bootstrap import bootstrap_horizons, draw_dataset_replicates
from horizonlib.model.horizons import HORIZON_RESULT_COLUMNS, horizon_table
from horizonlib.model.mc_error import (
    bound_mc_se,
    differs_beyond_mc,
    interval_agreement,
    interval_bounds,
    noise_tail_counts,
    p_max_beyond,
    replicates_for_target,
    scale_se,
)
from tests.model.test_bootstrap import _toy_runs


def _many_family_runs(seed=0, n_families=30):
    """Families of 1-4 tasks, 3 models, 2-5 runs each: a bootstrap distribution smooth enough
    for quantile errors (the 8-family toy of test_bootstrap is too lumpy)."""
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n_families):
        for t in range(1 + f % 4):
            minutes = float(2 ** rng.uniform(0, 9))
            for m in range(3):
                for r in range(2 + (f + t + m) % 4):
                    rows.append({"dataset": "toy", "alias": f"m{m}", "task_family": f"fam{f}",
                                 "task_id": f"fam{f}/t{t}", "human_minutes": minutes,
                                 "success": int(rng.random() < expit(1.5 + 0.7 * m - 0.5 * np.log2(minutes)))})
    return pd.DataFrame(rows)


def test_se_matches_the_spread_of_quantiles_over_repeats():
    """Skewed (lognormal) samples of 1,000: the estimated error of the 2.5% and 97.5% quantiles
    equals the standard deviation of those quantiles over 400 independent repeats (+-15%)."""
    rng = np.random.default_rng(0)
    draws = np.exp(rng.normal(0, 1.5, size=(1000, 400)))
    for q in (0.025, 0.975):
        quantiles = np.quantile(draws, q, axis=0)
        se = bound_mc_se(draws, q)
        assert np.median(se) / quantiles.std() == pytest.approx(1.0, abs=0.15)


def test_bounds_are_metrs_nanquantile_blanks_out_inf_kept():
    rng = np.random.default_rng(1)
    values = rng.lognormal(size=(400, 3))
    values[:30, 0] = np.nan  # blanks: left out
    values[:20, 1] = np.inf  # 5% +inf: the upper bound is set by them
    values[:4, 2] = np.inf  # 1% +inf: the upper bound stays finite but moves up
    lo, hi = interval_bounds(values, 0.95)
    with np.errstate(invalid="ignore"):
        expected = np.nanquantile(values, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(lo, expected[0], rtol=1e-14)
    np.testing.assert_allclose(hi, expected[1], rtol=1e-14)
    assert not np.isfinite(hi[1]) and np.isfinite(hi[2])
    assert hi[2] > np.nanquantile(values[4:, 2], 0.975)
    se = bound_mc_se(values, 0.975)
    assert np.isfinite(se[0]) and not np.isfinite(se[1])  # no finite error claimed at inf
    assert np.isnan(bound_mc_se(np.full((10, 1), np.nan), 0.5)[0])


def test_scaling_targets_and_comparison():
    assert scale_se(1.0, 1000, 4000) == pytest.approx(0.5)
    need = replicates_for_target(np.array([0.2, 0.05, np.nan]), 1000, 0.1)
    np.testing.assert_array_equal(need, [4000, 1000, 1000])
    flags = differs_beyond_mc([1.0, 1.0, np.inf], [0.1, 0.1, np.nan], [1.25, 1.3, np.inf],
                              [0.1, 0.1, np.nan])
    np.testing.assert_array_equal(flags, [False, True, False])


def test_bootstrap_bounds_error_matches_spread_over_seeds():
    """The hierarchical bootstrap itself: over 30 seeds, the mean estimated error of each bound
    is its observed standard deviation to within a factor 1.5 (median within 15%)."""
    runs = _many_family_runs(2)
    tables = [horizon_table(runs, rng=np.random.default_rng(100 + s), n_bootstrap=400)
              for s in range(30)]
    t = pd.concat(tables)
    g = t.groupby(["model", "p"])
    ratio = pd.concat([g["ci_low_mc_se_min"].median() / g["ci_low_min"].std(),
                       g["ci_high_mc_se_min"].median() / g["ci_high_min"].std()])
    assert ratio.between(1 / 1.5, 1.5).all(), ratio
    assert ratio.median() == pytest.approx(1.0, abs=0.15)


def test_horizon_table_columns_counts_and_precomputed_draws():
    runs = _toy_runs(1)
    draws = draw_dataset_replicates(runs.assign(dataset="toy"), 50, np.random.default_rng(4))
    a = bootstrap_horizons(runs.assign(dataset="toy"), 50, np.random.default_rng(4))
    b = bootstrap_horizons(runs.assign(dataset="toy"), 50, None, draws=draws)
    pd.testing.assert_frame_equal(a, b)
    table = horizon_table(runs.assign(dataset="toy"), samples=a)
    assert list(table.columns) == HORIZON_RESULT_COLUMNS
    assert (table["n_replicates"] == 50).all()
    assert (table["ci_low_mc_se_min"] > 0).all() and (table["ci_high_mc_se_min"] > 0).all()
    # the draws decide the replicates; draws of other rows are refused
    with pytest.raises(ValueError, match="do not match"):
        bootstrap_horizons(runs.assign(dataset="toy").iloc[1:], 50, None, draws=draws)


def test_mc_error_target_raises_replicates_up_to_the_cap():
    runs = _toy_runs(1).assign(dataset="toy")
    base = horizon_table(runs, rng=np.random.default_rng(9), n_bootstrap=100)
    more = horizon_table(runs, rng=np.random.default_rng(9), n_bootstrap=100,
                         mc_error_target=0.01, n_bootstrap_max=700)
    assert (base["n_replicates"] == 100).all()
    assert (more["n_replicates"] == 700).all()
    ratio = more["ci_high_mc_se_min"] / base["ci_high_mc_se_min"]
    assert ratio.median() < 0.6  # ~ sqrt(100 / 700) = 0.38


def test_interval_agreement_flags_only_beyond_noise():
    horizons = pd.DataFrame({
        "dataset": "d", "model": ["a", "b"], "p": 0.5, "ci_low_min": [1.0, 1.0],
        "ci_high_min": [10.0, 10.0], "ci_low_mc_se_min": [0.1, 0.1],
        "ci_high_mc_se_min": [0.5, 0.5], "n_replicates": [4000, 4000]})
    comparison = pd.DataFrame({"dataset": "d", "model": ["a", "b"], "p": 0.5, "published": "x",
                               "metr_ci_low_min": [1.1, 1.6], "metr_ci_high_min": [10.5, 10.0]})
    out = interval_agreement(comparison, horizons, n_reference=1000)
    # METR's error from 1,000 replicates: twice ours from 4,000
    np.testing.assert_allclose(out["metr_ci_low_mc_se_min"], [0.2, 0.2])
    assert list(out["differs"]) == [False, True]
    assert out.loc[1, "low_z"] == pytest.approx(-0.6 / np.hypot(0.1, 0.2))


@pytest.mark.parametrize("bootstrap_rng", ["numpy", "metr"])
def test_zero_replicates_give_no_interval(bootstrap_rng):
    table = horizon_table(_toy_runs(1), n_bootstrap=0, rng=np.random.default_rng(1),
                          bootstrap_rng=bootstrap_rng)
    assert (table["n_replicates"] == 0).all() and table["ci_low_min"].isna().all()
    assert table["ci_high_mc_se_min"].isna().all() and table["horizon_min"].notna().all()


def test_noise_tail_counts_against_the_normal_tail():
    agreement = pd.DataFrame({"low_z": [0.1, -2.5, 3.6, np.nan], "high_z": [0.3, 1.0, -0.2, 1.9]})
    counts = noise_tail_counts(agreement, (2.0, 3.0))
    assert list(counts["n_bounds"]) == [7, 7]  # the blank z is not a bound compared
    assert list(counts["observed"]) == [2, 1]
    assert counts.loc[0, "expected"] == pytest.approx(7 * 0.0455, rel=1e-2)
    # at least 1 beyond 3 among 7: 1 - (1 - 0.0027)^7
    assert counts.loc[1, "p_at_least"] == pytest.approx(1 - (1 - 0.0026998) ** 7, rel=1e-3)


def test_p_max_beyond_is_about_one_percent_for_z_3_6_among_32():
    assert p_max_beyond(3.6, 32) == pytest.approx(0.0101, abs=2e-4)
    assert p_max_beyond(-3.6, 32) == p_max_beyond(3.6, 32)
    assert p_max_beyond(0.0, 5) == pytest.approx(1.0)
