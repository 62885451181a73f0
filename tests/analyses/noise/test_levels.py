"""Tests of horizonlib.analyses.noise.levels: which pair the level decomposition uses."""

import numpy as np

from horizonlib.analyses.noise import levels as noise_levels
from horizonlib.analyses.noise import pairs as noise_pairs
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.noise.toy_runs import identical_models


def test_level_decomposition_picks_first_run_pair():
    df = identical_models()
    draws = SharedDraws(30, seed=0)
    table, _ = noise_pairs.compare_pairs(df, [("A", "B")], draws)
    widths, pair = noise_levels.level_decomposition(df, table, draws, np.random.default_rng(1))
    assert pair == ("A", "B") and set(widths["levels"]) == {"family", "task", "run", "all"}
    assert noise_levels.level_decomposition(df, table.iloc[0:0], draws,
                                            np.random.default_rng(1)) == (None, None)
