"""Tests of the breakdowns chapter's sentences and display tables (horizonlib.report.breakdowns)."""

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns import calibration as calibration_check
from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import subsets
from horizonlib.report.breakdowns import numbers as breakdown_numbers
from horizonlib.report.breakdowns import tables as breakdown_tables
from horizonlib.report.breakdowns import wording as breakdown_words
from tests.analyses.test_breakdowns import _kernel_case, make_runs, simulated


# --- notes ----------------------------------------------------------------------------------------


def test_missing_note_names_only_absent_models():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    note = breakdown_words.missing_note(["o3", "o4-mini"], runs, ["th-1-1"], "RE-Bench scores")
    assert "o4-mini" in note and "th-1-1" in note and "o3" not in note.replace("o4", "")
    assert breakdown_words.missing_note(["o3"], runs, ["th-1-1"], "x") == ""


def test_text_helpers():
    assert breakdown_words.format_minutes(45.2) == "45 min" and breakdown_words.format_minutes(150) == "2.5 h"
    assert breakdown_words.format_minutes(np.nan) == "n/a"
    assert breakdown_words.format_interval(30, 10, 120) == "30 min (95% CI 10 to 120 min)"
    assert breakdown_words.format_interval(120, 60, 300) == "2.0 h (95% CI 1.0 to 5.0 h)"
    assert breakdown_words.format_interval(0.5, 0.1, 0.9, fmt=lambda v: f"{v:.1f}") == "0.5 (95% CI 0.1 to 0.9)"
    assert breakdown_words.format_minutes(4.52) == "4.5 min"
    assert breakdown_words.format_interval(30, np.nan, np.nan) == "30 min"
    runs = make_runs({"a": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.2]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.4])],
                      "b": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.5]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.5])]})
    means = rebench.rebench_means(rebench.rebench_task_draws(runs, 20, np.random.default_rng(0)))
    assert breakdown_words.rebench_rank_text(means, "a") == "2nd of 2 in d (2 RE-Bench tasks)"
    assert breakdown_words.rebench_rank_text(means, "zz") == "not available"
    table = breakdown_tables.focus_rebench_table(means, ["b", "zz"], ["ai_rd_a/main", "ai_rd_c/main"])
    assert len(table) == 1
    assert table["without ai_rd_a"].iloc[0].startswith("0.50")
    assert table["without ai_rd_c"].iloc[0] == "not in this set"
    assert breakdown_words.pick_text(table, "zz", "task set") == "not available"


def test_focus_fit_table_explains_unidentified_rebench_fit():
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]), n_bootstrap=10,
                         rng=np.random.default_rng(0))
    table = breakdown_tables.focus_fit_table(fits, rebench.weight_share(runs), influence_refits.leave_one_out(runs, "task"),
                              ["Sim-Fir", "o4-mini"], kernel)
    assert list(table["model"]) == ["Sim-Fir"]
    row = table.iloc[0]
    assert row["p50, RE-Bench only"].startswith(("unidentified: tasks span", "no fit"))
    assert "95% CI" in row["p50, all tasks"] and "95% CI" in row["p50, without kernel task"]


# --- chapter helpers ----------------------------------------------------------------------------


def test_figure_fits_and_compact_table_show_the_kernel_task_only_for_models_that_ran_it():
    runs = _kernel_case()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, ["ai_rd_k/main"]), n_bootstrap=10,
                         rng=np.random.default_rng(0))
    # the figure keeps "without" rows only for models that ran the task
    shown = breakdown_tables.figure_fits(fits, "ai_rd_k/main")
    assert set(shown.loc[shown["subset"] == "without ai_rd_k/main", "alias"]) == {"a"}
    table = breakdown_tables.compact_fit_table(fits, ["a", "b"], "ai_rd_k/main")
    assert list(table.columns) == ["model", "dataset", "all tasks", "without RE-Bench",
                                   "RE-Bench only", "without k"]
    b = table.set_index("model").loc["b"]
    assert b["RE-Bench only"] == breakdown_words.NOT_RUN and b["without k"] == breakdown_words.NOT_RUN
    assert table.set_index("model").loc["a", "RE-Bench only"] == breakdown_words.NOT_IDENTIFIED


def test_calibration_numbers_known_answer():
    pred = pd.DataFrame({
        "dataset": "d", "alias": ["a", "a", "b", "b", "c", "c"],
        "display_name": ["a", "a", "b", "b", "c", "c"], "task_id": ["t1", "t2"] * 3,
        "observed": [0.0, 0.2, 0.5, 0.5, 0.1, 0.1],
        "predicted_all_tasks": [0.2, 0.2, 0.4, 0.4, 0.3, 0.3],
        "predicted_without_REBench": [0.3, 0.3, 0.6, 0.6, 0.2, 0.2]})
    table = subsets.prediction_table(pred)
    nums = breakdown_numbers.calibration_numbers(table, ["a", "zz"])
    assert nums["n_pred_models"] == "3" and nums["n_overpredicted"] == "2"
    assert nums["n_overpredicted_oos"] == "3"
    assert nums["median_gap"] == "10 percentage points"
    assert nums["calib_examples"] == "a (d): predicted 20%, observed 10%"
    shown = breakdown_tables.prediction_display(table)
    assert "display_name" not in shown.columns and shown["observed success"].iloc[0].endswith("%")
    from horizonlib.report.answers import NOT_AVAILABLE
    empty = breakdown_numbers.calibration_numbers(subsets.prediction_table(pred.iloc[0:0]), ["a"])
    assert empty.keys() == nums.keys()
    assert empty.pop("overpredicted_text").startswith("No model has RE-Bench runs")
    assert set(empty.values()) == {NOT_AVAILABLE}
    assert nums["overpredicted_text"] == (
        "For 2 of the 3 models with RE-Bench runs the observed success rate is below the "
        "all-task curve's prediction (for all 3 models, below the out-of-sample prediction)")


def test_missing_models_note_names_each_model_once():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    note = breakdown_words.missing_models_note(["o3", "o4-mini"], runs, ["rb"], runs, ["fits"])
    assert note.count("o4-mini") == 1 and "this model" in note
    assert "Every model" in breakdown_words.missing_models_note(["o3"], runs, ["rb"], runs, ["fits"])


def test_chapter_numbers_have_the_same_keys_in_every_edition():
    from horizonlib.report.answers import NOT_AVAILABLE
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    rng = np.random.default_rng(0)
    draws = rebench.rebench_task_draws(runs, 20, rng)
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]), n_bootstrap=10, rng=rng)
    loo = influence_refits.leave_one_out_levels(runs)
    args = (rebench.rebench_task_scores(draws), rebench.rebench_means(draws), rebench.weight_share(runs), fits, loo,
            calibration_check.calibration(runs, "source"), rebench.rebench_spread(runs), subsets.rebench_predictions(runs, fits))
    present = breakdown_numbers.chapter_numbers(*args, ["Sim-Fir", "Sim-Elm"], kernel)
    absent = breakdown_numbers.chapter_numbers(*args, ["o3"], kernel)
    assert present.keys() == absent.keys()
    assert all(isinstance(v, str) for v in present.values())
    assert present["n_kernel_models"] == "6" and present["focus"] == "Sim-Fir"
    assert "95% CI" in present["focus_p50_all"]
    assert absent["focus_p50_all"] == NOT_AVAILABLE and absent["focus_rank"] == NOT_AVAILABLE
    assert absent["calib_examples"] == NOT_AVAILABLE
    assert present["movers_text"].startswith("The single most influential task is an RE-Bench "
                                             "task for ")
    assert "0 of" not in present["movers_text"] and "(s)" not in present["movers_text"]
    assert present["kernel_models_text"] == "the 6 models that ran it"


def test_styled_table_has_no_index_column():
    html = breakdown_tables.styled(pd.DataFrame({"model": ["a"], "x": ["1 min"]})).to_html()
    assert "padding" in html and ">0<" not in html
