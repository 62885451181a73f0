"""Tests of horizonlib.report.hacking: the reward-hacking chapter's sentences and tables."""

from horizonlib.analyses.hacking import flags as flag_policies
from horizonlib.analyses.hacking import tipping
from horizonlib.report import hacking as report_hacking
from horizonlib.common import text
from tests.analyses.hacking.toy_runs import two_model_runs


def test_english_list_and_plural():
    assert text.english_list([]) == "none"
    assert text.english_list(["a"]) == "a"
    assert text.english_list(["a", "b"]) == "a and b"
    assert text.english_list(["a", "b", "c"]) == "a, b and c"
    assert text.plural(1, "run") == "1 run" and text.plural(1044, "run") == "1,044 runs"
    assert report_hacking.task_name("ai_rd_triton_cumsum/main") == "triton_cumsum"
    assert text.dataset_label("th-1-1-8-models") == "Time Horizon 1.1"
    assert text.dataset_label("other") == "other"


def test_missing_note():
    assert "Every model" in report_hacking.missing_note(two_model_runs(), ["A", "B"])
    assert report_hacking.missing_note(two_model_runs(), ["A", "Z"]).startswith("Z has no runs")
    assert report_hacking.missing_note(two_model_runs(),
                                       ["Y", "Z"]).startswith("Y and Z have no runs")


def test_tasks_sentence():
    present_absent = report_hacking.tasks_sentence(["ai_rd_x/main", "ai_rd_k/main"], ["ai_rd_x/main"],
                                            ["ai_rd_k/main", "ai_rd_m/main"])
    assert present_absent.startswith("Of the 2 tasks where METR reported hacking, only k is")
    assert "(k and m); x is not part of it" in present_absent
    both = report_hacking.tasks_sentence(["ai_rd_k/main", "ai_rd_m/main"], [],
                                  ["ai_rd_k/main", "ai_rd_m/main"])
    assert both.startswith("Both tasks where METR reported hacking (k and m) are")
    none = report_hacking.tasks_sentence(["ai_rd_x/main"], ["ai_rd_x/main"], ["ai_rd_k/main"])
    assert "pool is empty" in none


def test_hacking_glue_known_answer():
    """A's RE-Bench mean 0.35 < B's 0.45; re-scoring one 0.5 run gives 0.475 > 0.45 (k = 1)."""
    res = tipping.hacking_analysis(two_model_runs(), "A", ["B"], ["ai_rd_k/main", "ai_rd_x/main"])
    g = report_hacking.hacking_glue(res, ["B"], ["ai_rd_k/main", "ai_rd_x/main"])
    assert g["hk_rb_0"] == "0.35" and g["hk_comp_mean"] == "0.45"
    assert g["hk_overtake_hack"] == "k = 1"
    assert g["hk_k_hack"] == "4 failed runs"  # the pool; k_max = ceil(4% of 20 runs) = 1
    assert g["hk_hack_all"] == "1 of them (the range of k stops at 5.0% of the runs)"
    assert g["hk_tasks_absent"] == "x" and g["hk_tasks_present"] == "k"
    assert g["hk_p50_0"].endswith(" min")
    assert "below B's (0.45); re-scoring 1 failed run" in g["hk_verdict"]
    # the other way round: B is already ahead at k = 0, the question is moot
    res_b = tipping.hacking_analysis(two_model_runs(), "B", ["A"], ["ai_rd_k/main"])
    g_b = report_hacking.hacking_glue(res_b, ["A"], ["ai_rd_k/main"])
    assert g_b["hk_overtake_hack"] == "already ahead at k = 0"
    assert "moot" in g_b["hk_verdict"]


def test_hacking_glue_absent_model_has_every_key():
    tasks = ["ai_rd_k/main"]
    present = report_hacking.hacking_glue(
        tipping.hacking_analysis(two_model_runs(), "A", ["B"], tasks), ["B"], tasks)
    absent = report_hacking.hacking_glue(
        tipping.hacking_analysis(two_model_runs(), "Z", ["B"], tasks), ["B"], tasks)
    assert set(absent) == set(present)
    assert absent["hk_p50_0"] == report_hacking.NOT_AVAILABLE and "Z has no runs" in absent["hk_verdict"]
    assert all(isinstance(v, str) for v in absent.values())


def test_comparison_display():
    res = tipping.hacking_analysis(two_model_runs(), "A", ["B", "Z"], ["ai_rd_k/main"])
    tab = report_hacking.comparison_display(res)
    assert list(tab.iloc[0]) == ["B", "0.45", "1", "1"]
    assert tab.iloc[1, 1] == "no RE-Bench runs"
    assert tab.iloc[1, 2].startswith("not within k ≤")
    assert report_hacking.comparison_display({"found": False}).empty


def test_policy_display_and_note(tmp_path):
    df = two_model_runs()
    p = tmp_path / "flags.csv"
    p.write_text("run_id\nr0\n")
    tab = report_hacking.policy_display(df, flag_policies.load_hack_flags(p, df))
    assert set(tab["policy"]) == {"as failure (METR)", "as scored", "excluded"}
    assert tab["flagged runs"].str.fullmatch(r"\d+").all()
    assert "hack_flags: null" in report_hacking.policy_note(None)
