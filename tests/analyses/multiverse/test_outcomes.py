"""Multiverse data choices: reward-hack flag files and what each hack policy does to a fit."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import specification_grid
from horizonlib.analyses.multiverse.outcomes import load_hack_flags
from horizonlib.model.horizons import fit_horizons
from tests.analyses.multiverse.planted import planted_runs


def test_hack_policies(tmp_path):
    runs = planted_runs(0)
    flagged = runs[(runs["alias"] == "C") & (runs["success"] == 0)
                   & (runs["human_minutes"] > 60)].head(6)
    path = tmp_path / "flags.csv"
    flagged[["run_id"]].to_csv(path, index=False)
    flags = load_hack_flags(path)
    table = fit_multiverse(runs, hack_flags=flags)
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
        load_hack_flags(bad)
    with pytest.raises(ValueError, match="hack_flags"):
        fit_multiverse(runs, specification_grid(hack_policy=["failure"]))
