"""One set of draws per build: every analysis given the same SharedDraws fits the same run
multiplicities, so the same model's 50% horizon interval is the same number in every chapter."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.breakdowns import subsets
from horizonlib.analyses.multiverse.bootstrap import bootstrap_specifications
from horizonlib.analyses.multiverse.grid import one_at_a_time, specification_grid
from horizonlib.analyses.noise import replicates as noise_replicates
from horizonlib.analyses.trend_checks import samples as trend_samples
from horizonlib.model import shared_draws as sd
from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.horizons import horizon_table

from tests.analyses.breakdowns.toy_runs import simulated

N_BOOT = 40


@pytest.fixture(autouse=True)
def empty_memory(monkeypatch):
    monkeypatch.setattr(sd, "_MEMORY", {})


@pytest.fixture
def seen(monkeypatch):
    """Every ``for_dataset`` answer, with the analysis asking and the rows it asked about; the
    in-process memory is emptied before each call, so each answer is read from the cache folder
    as a chapter in its own kernel would."""
    calls = []
    real = sd.SharedDraws.for_dataset

    def spy(self, runs):
        sd._MEMORY.clear()
        draws = real(self, runs)
        calls.append((spy.analysis, tuple(runs["run_id"]), draws.run_counts.copy()))
        return draws

    monkeypatch.setattr(sd.SharedDraws, "for_dataset", spy)
    spy.analysis = None
    return spy, calls


def test_analyses_see_identical_multiplicities(tmp_path, seen):
    spy, calls = seen
    runs = simulated()
    whole = tuple(runs["run_id"])

    def draws():  # each analysis builds its own, as each chapter does
        return sd.SharedDraws(N_BOOT, seed=9, cache_dir=tmp_path)

    spy.analysis = "fit"
    samples = bootstrap_horizons(runs, draws=draws())
    spy.analysis = "breakdowns"
    fits = subsets.subset_fits(runs, {"all tasks": np.ones(len(runs), bool)}, draws=draws())
    spy.analysis = "noise"
    a, b = sorted(runs["alias"].unique())[:2]
    noise_replicates.paired_run_statistics(runs, a, b, draws())
    spy.analysis = "multiverse"
    specs = one_at_a_time(specification_grid()).head(1)
    boot = bootstrap_specifications(runs, specs, draws(), success_percents=(50,))
    spy.analysis = "trend"
    trend_samples.trend_inputs(runs, None, None, pd.Series(dtype="datetime64[ns]"), draws())

    on_whole = {name: counts for name, rows, counts in calls if rows == whole}
    assert set(on_whole) == {"fit", "breakdowns", "noise", "multiverse", "trend"}
    for name, counts in on_whole.items():
        np.testing.assert_array_equal(counts, on_whole["fit"], err_msg=name)
    assert len(list(tmp_path.glob("draws-*.npz"))) == 2  # the whole dataset; noise's RE-Bench rows

    # and so the same intervals: the fit chapter's table, the subsets' and the multiverse's
    table = horizon_table(runs, success_percents=(50,), samples=samples).set_index("model")
    allt = fits.set_index("alias")
    np.testing.assert_allclose(allt["ci_low_min"], table.loc[allt.index, "ci_low_min"], rtol=1e-9)
    np.testing.assert_allclose(allt["ci_high_min"], table.loc[allt.index, "ci_high_min"],
                               rtol=1e-9)
    head = boot.set_index("model")
    np.testing.assert_allclose(head["ci_low_min"], table.loc[head.index, "ci_low_min"], rtol=1e-8)
