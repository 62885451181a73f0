"""Tests of horizonlib.report.breakdowns.wording: horizons, intervals and absent models as text."""

import numpy as np

from horizonlib.analyses.breakdowns import rebench
from horizonlib.report.breakdowns import tables as breakdown_tables
from horizonlib.report.breakdowns import wording as breakdown_words

from tests.analyses.breakdowns.toy_runs import make_runs


def test_missing_note_names_only_absent_models():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    note = breakdown_words.missing_note(["o3", "o4-mini"], runs, ["th-1-1"], "RE-Bench scores")
    assert "o4-mini" in note and "th-1-1" in note and "o3" not in note.replace("o4", "")
    assert breakdown_words.missing_note(["o3"], runs, ["th-1-1"], "x") == ""


def test_text_helpers():
    assert breakdown_words.format_minutes(45.2) == "45 min"
    assert breakdown_words.format_minutes(150) == "2.5 h"
    assert breakdown_words.format_minutes(np.nan) == "n/a"
    assert breakdown_words.format_interval(30, 10, 120) == "30 min (95% CI 10 to 120 min)"
    assert breakdown_words.format_interval(120, 60, 300) == "2.0 h (95% CI 1.0 to 5.0 h)"
    one_decimal = breakdown_words.format_interval(0.5, 0.1, 0.9, fmt=lambda v: f"{v:.1f}")
    assert one_decimal == "0.5 (95% CI 0.1 to 0.9)"
    assert breakdown_words.format_minutes(4.52) == "4.5 min"
    assert breakdown_words.format_interval(30, np.nan, np.nan) == "30 min"
    runs = make_runs({"a": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.2]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.4])],
                      "b": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.5]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.5])]})
    means = rebench.rebench_means(rebench.rebench_task_draws(runs, 20, np.random.default_rng(0)))
    assert breakdown_words.rebench_rank_text(means, "a") == "2nd of 2 in d (2 RE-Bench tasks)"
    assert breakdown_words.rebench_rank_text(means, "zz") == "not available"
    table = breakdown_tables.focus_rebench_table(means, ["b", "zz"],
                                                 ["ai_rd_a/main", "ai_rd_c/main"])
    assert len(table) == 1
    assert table["without ai_rd_a"].iloc[0].startswith("0.50")
    assert table["without ai_rd_c"].iloc[0] == "not in this set"
    assert breakdown_words.pick_text(table, "zz", "task set") == "not available"


def test_missing_models_note_names_each_model_once():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    note = breakdown_words.missing_models_note(["o3", "o4-mini"], runs, ["rb"], runs, ["fits"])
    assert note.count("o4-mini") == 1 and "this model" in note
    every = breakdown_words.missing_models_note(["o3"], runs, ["rb"], runs, ["fits"])
    assert "Every model" in every
