"""Multiverse bootstrap: METR's specification equals horizon_table, and a chosen model's
intervals equal the full bootstrap's."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.multiverse.bootstrap import bootstrap_specifications, outside_ci_count
from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import one_at_a_time, specification_grid
from horizonlib.analyses.multiverse.model_choice import choose_focus_models
from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.horizons import horizon_table
from horizonlib.model.shared_draws import SharedDraws
from tests.analyses.multiverse.planted import planted_runs


def test_bootstrap_headline_equals_horizon_table():
    runs = planted_runs(0)
    grid = specification_grid()
    specs = one_at_a_time(grid).head(3)
    draws = SharedDraws(50, seed=11)
    boot = bootstrap_specifications(runs, specs, draws)
    # the fit chapter's table from the same shared draws: the same intervals
    ref = horizon_table(runs, samples=bootstrap_horizons(runs, draws=draws))
    head = boot[boot["is_metr"]].set_index(["model", "p"]).sort_index()
    ref = ref.set_index(["model", "p"]).sort_index()
    np.testing.assert_allclose(head["ci_low_min"], ref["ci_low_min"], rtol=1e-8)
    np.testing.assert_allclose(head["ci_high_min"], ref["ci_high_min"], rtol=1e-8)
    np.testing.assert_allclose(head["horizon_min"], ref["horizon_min"], rtol=1e-10)
    assert (head["failed_replicates"] == ref["failed_replicates"]).all()
    again = bootstrap_specifications(runs, specs, SharedDraws(50, seed=11))
    pd.testing.assert_frame_equal(boot, again)
    assert len(boot) == 3 * 3 * 2
    with pytest.raises(TypeError):
        bootstrap_specifications(runs, specs, 5)


def test_bootstrap_of_chosen_models_equals_the_full_bootstrap():
    runs = planted_runs(0)
    specs = one_at_a_time(specification_grid(weighting=["invsqrt_task_weight"],
                                             success=["delivered", "fractional"]))
    full = bootstrap_specifications(runs, specs, SharedDraws(30, seed=5))
    some = bootstrap_specifications(runs, specs, SharedDraws(30, seed=5),
                                    models=pd.DataFrame({"dataset": ["toy"], "model": ["B"]}))
    assert set(some["model"]) == {"B"}
    pd.testing.assert_frame_equal(some.reset_index(drop=True),
                                  full[full["model"] == "B"].reset_index(drop=True))
    picks = choose_focus_models(fit_multiverse(runs, specs), ["B"], ["A"])
    k, n = outside_ci_count(full, specs, picks.iloc[0])
    assert n == len(specs) - 1 and 0 <= k <= n
