"""The difficulty chapter's sentences, tables and figures, on a small synthetic run."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from horizonlib.analyses import length_error as LE
from horizonlib.model.shared_draws import SharedDraws
from horizonlib.analyses import messiness as MS
from horizonlib.analyses import task_difficulty as TD
from horizonlib.common.text import NOT_AVAILABLE
from horizonlib.data.runs import load_runs
from horizonlib.data.simulate import synthetic_release_dates, synthetic_task_effects, write_synthetic_runs
from horizonlib.report import difficulty as RD
from horizonlib.report import figures_difficulty as FD
from horizonlib.report.answers_difficulty import difficulty_answers
from horizonlib.report.results import write_results


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("difficulty")
    runs = load_runs([str(write_synthetic_runs(folder / "synthetic.jsonl"))])
    rng = np.random.default_rng(0)
    res = TD.task_difficulty(runs)
    lead = TD.concentration(res["tasks"])
    points, samples = LE.length_error_bootstrap(runs, SharedDraws(40, 0), rng, "invsqrt_task_weight", 0.1,
                                                1.0, 1.5)
    table = LE.length_error_table(points, samples, 0.95)
    trend = LE.length_error_trend(points, samples, synthetic_release_dates(), "2019-01-01", 0.95)
    mixed = TD.compare_horizons(res["horizons"], table)
    ms = MS.messiness_analysis(runs, res["tasks"], None, ["Sim-Fir"], 40, rng, 0.95)
    results = folder / "results"
    for frame, name in ((res["tasks"], "task_difficulty"), (mixed, "mixed_horizons"),
                        (lead, "lead_concentration"), (table, "length_error"),
                        (trend, "length_error_trend"), (ms["joined"], "messiness"),
                        (ms["slopes"], "messiness_slopes")):
        write_results(frame, name, results)
    return dict(runs=runs, res=res, lead=lead, table=table, trend=trend, mixed=mixed, ms=ms,
                results=results, recovery=TD.planted_recovery(res["tasks"], synthetic_task_effects(),
                                                              dataset="synthetic"))


def test_glue_values_are_sentences(chapter):
    c = chapter
    g = RD.difficulty_glue(c["res"], c["mixed"], c["lead"], c["recovery"], ["Sim-Fir", "Sim-X"],
                           ["Sim-Elm"], 0.95)
    assert "r = " in g["df_recovery"] and "Sim-Fir" in g["df_horizons"]
    assert g["df_missing"].startswith("Sim-X") and not g["df_missing"].endswith(".")
    assert "df_cost" not in g and "doubling of length" in g["df_spread"]
    assert "Sim-Elm" in g["df_lead"]
    g = RD.length_error_glue(c["table"], c["trend"], c["runs"], ["Sim-Fir"], 1.0, 1.5, 0.95)
    assert "baselined" in g["le_counts"] and "doublings wide" in g["le_focus"]
    n = c["trend"]["n_models"]
    assert n.nunique() == 1  # the same models in every variant
    assert f"the same {n.iloc[0]} frontier models in every variant" in g["le_trend"]
    g = RD.messiness_glue(c["ms"], ["Sim-Fir"], 0.95)
    assert "no messiness labels" in g["ms_slopes"]


def test_display_table_has_every_model(chapter):
    table = RD.horizon_display(chapter["mixed"], chapter["table"], chapter["res"]["tasks"])
    assert len(table) == 6
    assert list(table.index.names) == ["run file", "model"]
    assert list(table.columns)[-1] == "mixed model (typical task)"
    assert not table.stack().str.contains("e-|e\\+|days").any()  # no raw floats, no 24-h days
    RD.styled(table).to_html()


def test_durations_are_working_time_with_bounds():
    assert RD.duration(1e-6) == "< 1 s"
    assert RD.duration(1e40) == "> 1 work-month"
    assert RD.duration(100 * 60) == "100 h"
    assert RD.duration(30.0) == "30 min"


def test_display_cell_says_why_there_is_no_horizon():
    import pandas as pd
    runs = pd.DataFrame({"successes": [0, 0], "n_runs": [4, 4], "human_minutes": [1.0, 8.0]})
    assert RD._cell(np.nan, np.nan, np.nan, runs) == "no successes"
    assert RD._cell(0.5, 0.1, 2.0, runs).startswith("30 s* [")
    assert RD._cell(2.0, 1.0, 4.0, runs) == "2.0 min [1.0 min, 4.0 min]"


def test_figures_are_labelled_and_small(chapter):
    c = chapter
    for fig in (FD.plot_task_difficulty(c["res"]["tasks"]),
                FD.plot_horizon_intervals(c["mixed"], c["table"]),
                FD.plot_lead_concentration(c["res"]["tasks"], ["Sim-Fir", "Sim-Elm"]),
                FD.plot_messiness(c["ms"]["joined"], c["ms"]["slopes"])):
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            if ax.axison:
                assert ax.get_xlabel() and ax.get_ylabel() or ax.get_yticklabels()
                assert len(ax.get_legend_handles_labels()[1]) <= 10


def test_answers_section_from_results_files(chapter, tmp_path):
    g = difficulty_answers(chapter["results"], ["Sim-Fir"], ["Sim-Elm"])
    assert g["la_focus"].startswith("Sim-Fir")
    assert "doublings" in g["la_length"] and "days" in g["la_trend"]
    assert "No messiness labels" in g["la_messiness"]
    empty = difficulty_answers(tmp_path, ["Sim-Fir"], ["Sim-Elm"])
    assert empty["la_horizon"] == NOT_AVAILABLE


def test_answers_quote_intervals_caveat_and_contrast(chapter, tmp_path):
    import pandas as pd
    from horizonlib.report.answers_difficulty import _apart
    g = difficulty_answers(chapter["results"], ["Sim-Fir"], ["Sim-Elm"])
    assert g["la_horizon"].count("95% CI") == 4 and "task families" in g["la_horizon"]
    assert "not a lead over other models" in g["la_lead"]
    assert "models in every variant" in g["la_trend"]
    assert _apart(pd.Series({"contrast_ci_low": -0.5, "contrast_ci_high": -0.1}))
    assert not _apart(pd.Series({"contrast_ci_low": -0.5, "contrast_ci_high": 0.3}))


def test_figure_leaves_out_models_off_the_axis(chapter):
    table = chapter["table"].copy()
    alias = table["alias"].iloc[0]
    table.loc[table["alias"] == alias, "horizon_min"] = 1e-6
    left = FD.horizons_left_out(table)
    assert set(left["display_name"]) == set(table.loc[table["alias"] == alias, "display_name"])
    assert "Left out" in RD.left_out_text(left) and "< 1 s" in RD.left_out_text(left)
    assert RD.left_out_text(left.iloc[:0]) == "Every model is shown."
