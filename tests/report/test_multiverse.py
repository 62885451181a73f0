"""The multiverse chapter's quoted numbers and sentences (horizonlib.report.multiverse)."""

import pandas as pd

from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import specification_grid
from horizonlib.analyses.multiverse.model_choice import (
    add_labels,
    choose_focus_models,
    model_eligibility,
)
from horizonlib.analyses.multiverse.summaries import (
    dimension_effects,
    headline_position,
    variance_shares,
)
from horizonlib.report.multiverse import (
    chapter_numbers,
    excluded_note,
    noise_numbers,
    trend_chapter_numbers,
)
from tests.analyses.multiverse.planted import planted_largest_change, planted_runs


def test_excluded_note_names_a_model_with_a_horizon_outside_the_task_lengths():
    # Z succeeds on the shortest tasks only now and then: a horizon far below one minute
    runs = planted_runs(0, models=(("A", 2.0, -0.7), ("Z", -1.5, -0.7)))
    table = fit_multiverse(runs)
    elig = model_eligibility(table, runs).set_index("model")
    assert "Z (toy)" in excluded_note(elig.reset_index())


def test_chapter_numbers_same_keys_with_and_without_the_focus_model():
    from horizonlib.common.text import NOT_AVAILABLE
    runs = planted_runs(0)
    grid = specification_grid()
    table = fit_multiverse(runs, grid)
    elig = model_eligibility(table, runs)
    pos = add_labels(headline_position(table), table)
    shares = variance_shares(table)
    effects = dimension_effects(table)
    got = chapter_numbers(table, grid, elig, pos, shares, effects,
                          choose_focus_models(table, ["C"]), [], False)
    empty = chapter_numbers(table, grid, elig, pos, shares, effects,
                            choose_focus_models(table, ["C"]).iloc[0:0], ["o3"], False)
    assert got.keys() == empty.keys()
    assert got["focus_label"] == "C (toy)" and got["focus_success_fractional"].startswith("×")
    assert empty["focus_headline"] == NOT_AVAILABLE and "o3" in empty["missing_note"]
    tn = trend_chapter_numbers(pos, shares, choose_focus_models(table, ["C"]).iloc[0:0],
                               "2019-01-01")
    assert tn["trend_headline"] == NOT_AVAILABLE


def test_quoted_largest_change_is_one_at_a_time_from_metr():
    """The quoted largest change is a one-choice change from METR's specification (a planted value
    decides which)."""
    runs, grid, planted, _ = planted_largest_change()
    text = chapter_numbers(planted, grid, model_eligibility(planted, runs),
                           add_labels(headline_position(planted), planted),
                           variance_shares(planted), dimension_effects(planted),
                           choose_focus_models(planted, ["C"]), [], False)
    assert text["focus_top_effect"].startswith("switching the link function to probit: ")
    assert text["focus_top_effect"].endswith("(×1000.00)")


def test_noise_numbers_agree_in_number():
    specs = pd.DataFrame({"spec": [0, 1, 2], "changed": ["none", "link", "subset"]})
    picks = pd.DataFrame({"dataset": ["d"], "model": ["m"], "label": ["m (d)"]})

    def boot(values):
        return pd.DataFrame({"spec": [0, 1, 2], "dataset": "d", "model": "m", "p": 0.5,
                             "horizon_min": values, "ci_low_min": [5.0] * 3,
                             "ci_high_min": [20.0] * 3})

    assert noise_numbers(boot([10.0, 30.0, 12.0]), specs, picks, 100)["outside_text"] == (
        "1 of the 2 single changes moves the horizon outside the 95% interval of METR's choices")
    assert noise_numbers(boot([10.0, 30.0, 40.0]), specs, picks, 100)["outside_text"] == (
        "both single changes move the horizon outside the 95% interval of METR's choices")
    assert noise_numbers(boot([10.0, 11.0, 12.0]), specs, picks, 100)["outside_text"] == (
        "none of the 2 single changes moves the horizon outside the 95% interval of METR's "
        "choices")
