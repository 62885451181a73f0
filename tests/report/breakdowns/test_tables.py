"""Tests of horizonlib.report.breakdowns.tables: the display tables."""

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import subsets
from horizonlib.report.breakdowns import tables as breakdown_tables
from horizonlib.report.breakdowns import wording as breakdown_words
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.breakdowns.toy_runs import kernel_case, simulated


def test_focus_fit_table_explains_unidentified_rebench_fit():
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]),
                               draws=SharedDraws(10, seed=0))
    table = breakdown_tables.focus_fit_table(fits, rebench.weight_share(runs),
                                             influence_refits.leave_one_out(runs, "task"),
                                             ["Sim-Fir", "o4-mini"], kernel)
    assert list(table["model"]) == ["Sim-Fir"]
    row = table.iloc[0]
    assert row["p50, RE-Bench only"].startswith(("unidentified: tasks span", "no fit"))
    assert "95% CI" in row["p50, all tasks"] and "95% CI" in row["p50, without kernel task"]


def test_figure_fits_and_compact_table_show_the_kernel_task_only_for_models_that_ran_it():
    runs = kernel_case()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, ["ai_rd_k/main"]),
                               draws=SharedDraws(10, seed=0))
    # the figure keeps "without" rows only for models that ran the task
    shown = breakdown_tables.figure_fits(fits, "ai_rd_k/main")
    assert set(shown.loc[shown["subset"] == "without ai_rd_k/main", "alias"]) == {"a"}
    table = breakdown_tables.compact_fit_table(fits, ["a", "b"], "ai_rd_k/main")
    assert list(table.columns) == ["model", "dataset", "all tasks", "without RE-Bench",
                                   "RE-Bench only", "without k"]
    b = table.set_index("model").loc["b"]
    assert b["RE-Bench only"] == b["without k"] == breakdown_words.NOT_RUN
    assert table.set_index("model").loc["a", "RE-Bench only"] == breakdown_words.NOT_IDENTIFIED


def test_styled_table_has_no_index_column():
    html = breakdown_tables.styled(pd.DataFrame({"model": ["a"], "x": ["1 min"]})).to_html()
    assert "padding" in html and ">0<" not in html
