"""The headline bootstrap table fitted once: from memory or disk it equals a fresh fit."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.model import shared_draws as sd
from horizonlib.model import shared_horizons as sh
from horizonlib.model.bootstrap import bootstrap_horizons

from tests.model.test_bootstrap import _toy_runs


@pytest.fixture(autouse=True)
def empty_memory(monkeypatch):
    monkeypatch.setattr(sd, "_MEMORY", {})
    monkeypatch.setattr(sh, "_MEMORY", {})


def test_cached_table_equals_a_fresh_fit(tmp_path):
    runs = _toy_runs(8)
    draws = sd.SharedDraws(25, seed=4, cache_dir=tmp_path)
    first = sh.shared_bootstrap_horizons(runs, draws, "invsqrt_task_weight", 0.1, [50, 80])
    fresh = bootstrap_horizons(runs, weighting="invsqrt_task_weight", regularization=0.1,
                               success_percents=(50, 80), draws=draws)
    pd.testing.assert_frame_equal(first, fresh)
    assert len(list(tmp_path.glob("horizons-*.npz"))) == 1
    first.loc[0, "horizon_min"] = -1.0  # a caller's change does not reach the cache
    sd._MEMORY.clear()
    sh._MEMORY.clear()  # as a new kernel would start: read from disk
    again = sh.shared_bootstrap_horizons(runs, sd.SharedDraws(25, seed=4, cache_dir=tmp_path),
                                         "invsqrt_task_weight", 0.1, (50, 80))
    pd.testing.assert_frame_equal(again, fresh)
    assert not list(tmp_path.glob("*.tmp"))


def test_other_inputs_are_fitted_anew(tmp_path):
    runs = _toy_runs(8)
    draws = sd.SharedDraws(25, seed=4, cache_dir=tmp_path)
    base = sh.shared_bootstrap_horizons(runs, draws)
    other_penalty = sh.shared_bootstrap_horizons(runs, draws, regularization=0.5)
    flipped = runs.copy()
    flipped.loc[flipped.index[-1], "success"] = 1 - flipped["success"].iloc[-1]
    other_outcome = sh.shared_bootstrap_horizons(flipped, draws)
    assert len(list(tmp_path.glob("horizons-*.npz"))) == 3
    assert not np.allclose(base["horizon_min"], other_penalty["horizon_min"], equal_nan=True)
    pd.testing.assert_frame_equal(
        other_outcome, bootstrap_horizons(flipped, weighting="invsqrt_task_weight",
                                          regularization=0.1, draws=draws))
