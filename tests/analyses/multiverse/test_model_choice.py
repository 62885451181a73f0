"""Which models the multiverse studies and shows: eligibility and the focus picks."""

import pandas as pd

from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import specification_grid
from horizonlib.analyses.multiverse.model_choice import (
    choose_focus_models,
    included_rows,
    model_eligibility,
)
from tests.analyses.multiverse.planted import planted_runs


def test_model_eligibility_excludes_a_horizon_outside_the_task_lengths():
    # Z succeeds on the shortest tasks only now and then: a horizon far below one minute
    runs = planted_runs(0, models=(("A", 2.0, -0.7), ("Z", -1.5, -0.7)))
    table = fit_multiverse(runs)
    elig = model_eligibility(table, runs).set_index("model")
    assert bool(elig.loc["A", "included"]) and elig.loc["A", "reason"] == ""
    assert not elig.loc["Z", "included"] and "outside the task lengths" in elig.loc["Z", "reason"]
    kept = included_rows(table, elig.reset_index())
    assert set(kept["model"]) == {"A"}


def test_choose_focus_models_prefers_the_focus_dataset():
    runs = pd.concat([planted_runs(0, dataset="old"),
                      planted_runs(1, models=(("A", 2.0, -0.7), ("C", 5.5, -0.8)),
                                   dataset="new")], ignore_index=True)
    table = fit_multiverse(runs, specification_grid(weighting=["invsqrt_task_weight"],
                                                    success=["delivered"]))
    picks = choose_focus_models(table, ["C"], ["A", "B"])
    # the focus model's first dataset ("new") is home: A from there, B only exists in "old"
    assert list(zip(picks["display_name"], picks["dataset"])) == [("C", "new"), ("A", "new"),
                                                                 ("B", "old")]
    picks = choose_focus_models(table.assign(
        display_name=table["display_name"].where(table["dataset"] == "new", "x" + table["model"])),
        ["C"], ["A"])
    assert list(picks["dataset"]) == ["new", "new"]
