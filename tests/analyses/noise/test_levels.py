"""Tests of horizonlib.analyses.noise.levels: which pair the level decomposition uses."""

import numpy as np

from horizonlib.analyses.noise import levels as noise_levels
from horizonlib.analyses.noise import pairs as noise_pairs

from tests.analyses.noise.toy_runs import identical_models


def test_level_decomposition_picks_first_run_pair():
    df = identical_models()
    table, _ = noise_pairs.compare_pairs(df, [("A", "B")], 30, np.random.default_rng(0))
    widths, pair = noise_levels.level_decomposition(df, table, 30, np.random.default_rng(1))
    assert pair == ("A", "B") and set(widths["levels"]) == {"family", "task", "run", "all"}
    assert noise_levels.level_decomposition(df, table.iloc[0:0], 30, np.random.default_rng(1)) == (
        None, None)
