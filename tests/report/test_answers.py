"""The answers page phrases the results files' numbers, and says when one is not available."""

import numpy as np
import pandas as pd

from horizonlib.report.answers import collect_answers
from horizonlib.report.answers_multiverse import multiverse_answers
from horizonlib.report.answers_trend import bic_sentence
from horizonlib.report.results import write_results
from horizonlib.common.text import NOT_AVAILABLE, month_of, phrase
from horizonlib.data.runs import display_name


def ablation(question, dataset, alias, variant, metric, estimate, low=np.nan, high=np.nan):
    return dict(question=question, dataset=dataset, alias=alias,
                display_name=display_name(alias), variant=variant, metric=metric,
                estimate=estimate, ci_low=low, ci_high=high)


def difference(alias_a, alias_b, variant, metric, estimate, low=np.nan, high=np.nan):
    return dict(dataset_a="x", alias_a=alias_a, display_name_a=display_name(alias_a),
                dataset_b="x", alias_b=alias_b, display_name_b=display_name(alias_b),
                variant=variant, metric=metric, estimate=estimate, ci_low=low, ci_high=high)


ROWS = [
    ablation("drop_kernel", "rb", "o3 (Inspect)", "all tasks", "rebench_mean", 0.46, 0.39, 0.57),
    ablation("drop_kernel", "rb", "Claude 3.7 Sonnet (Inspect)", "all tasks", "rebench_mean",
             0.50, 0.40, 0.60),
    ablation("drop_kernel", "rb", "GPT-4o (Inspect)", "all tasks", "rebench_mean", 0.01),
    # another task set: not ranked with the others
    ablation("drop_kernel", "other", "GPT-4o", "all tasks", "rebench_mean", 0.9),
    ablation("drop_kernel", "runs", "o3 (Inspect)", "without k/main", "ratio_to_all", 0.99, 0.9,
             1.1),
    ablation("rebench_share", "runs", "o3 (Inspect)", "invsqrt_task_weight", "weight_share",
             0.041),
    ablation("subset_fit", "runs", "o3 (Inspect)", "all tasks", "p50_min", 120.73, 76.0, 201.3),
    ablation("subset_fit", "runs", "o3 (Inspect)", "RE-Bench only", "p50_min", np.nan),
    ablation("trend", "pub", "o3", "from_2019-01-01", "ratio_to_trend", 1.5, 1.1, 2.0),
    ablation("reward_hacking", "runs", "o3 (Inspect)", "highest_scoring_k0", "p50_min", 120.7),
    ablation("reward_hacking", "runs", "o3 (Inspect)", "highest_scoring_k42", "p50_min", 242.6),
    ablation("reward_hacking", "runs", "o3 (Inspect)", "overtake_Claude 3.7 Sonnet_hacking_tasks",
             "k_runs", 4),
]
DIFFERENCES = [
    difference("o3 (Inspect)", "Claude 3.7 Sonnet (Inspect)", "runs:x", "p50_ratio", 2.0, 1.1,
               3.9),
    difference("o3 (Inspect)", "Claude 3.7 Sonnet (Inspect)", "runs:x", "rebench_diff", -0.04,
               -0.3, 0.2),
    difference("o3 (Inspect)", "Claude 3.7 Sonnet (Inspect)", "levels_all",
               "p50_ratio_ci_width", 1.7),
]
TREND = [dict(source=source, dataset=dataset, window_start="2019-01-01", selection="frontier",
              n_models=2, aliases="o1;o3", doubling_days=days, ci_low_days=low,
              ci_high_days=high)
         for source, dataset, days, low, high in [("published", "pub", 206.9, 167.9, 237.9),
                                                  ("fitted", "runs", 150.0, 100.0, 300.0)]]
CHECKS = [dict(source="published", dataset="pub", window_start="2019-01-01", line="frontier",
               metric="year_reaching_work_month", estimate=2029.56, ci_low=2028.5,
               ci_high=2030.8)]


def write(tmp_path):
    write_results(pd.DataFrame(ROWS), "ablations", tmp_path)
    write_results(pd.DataFrame(DIFFERENCES), "differences", tmp_path)
    write_results(pd.DataFrame(TREND), "trend", tmp_path)
    write_results(pd.DataFrame(CHECKS), "trend_checks", tmp_path)
    return collect_answers(tmp_path, ["o3", "o4-mini"], ["Claude 3.7 Sonnet"], "k/main",
                           ["2019-01-01"])


def test_known_phrases(tmp_path):
    got = write(tmp_path)
    assert got["rebench_focus"] == "0.46 (95% CI 0.39 to 0.57)"
    assert got["rebench_rank"] == "2 of 3"
    assert got["rebench_order"] == "o3's mean is below Claude 3.7 Sonnet's on this task set"
    assert got["rebench_weight_share"] == "4.1%"
    assert got["p50_all"] == "120.7 min (95% CI 76.0 to 201.3)"
    assert got["p50_rebench_only"].startswith("not identifiable")
    assert got["kernel_ratio_0"] == "0.99 (95% CI 0.90 to 1.10)"
    assert got["noise_ratio_0"] == "2.00 (95% CI 1.10 to 3.90)"
    assert got["noise_verdict_0"] == "is distinguishable from no difference"
    assert got["noise_diff_0"] == "−0.040 (95% CI −0.300 to 0.200)"
    assert got["noise_diff_verdict_0"] == "is not distinguishable from no difference"
    assert got["trend_all"] == "207 days (95% CI 168 to 238)"  # the trend chapter's source
    assert got["trend_distance"] == "1.50 (95% CI 1.10 to 2.00)"
    assert got["trend_month"] == "July 2029 (95% CI July 2028 to October 2030)"
    assert (got["hack_k0"], got["hack_kmax"], got["hack_k"]) == ("120.7 min", "242.6 min", "42")
    assert got["hack_overtake"] == "4 re-scored runs would lift it past Claude 3.7 Sonnet on RE-Bench."
    assert got["noise_sentence_0"].startswith("For o3 vs Claude 3.7 Sonnet (paired bootstrap of "
                                              "the run data of x), the ratio of 50% horizons is "
                                              "2.00 (95% CI 1.10 to 3.90)")
    assert "which is not distinguishable from no difference" in got["noise_sentence_0"]
    assert got["trend_bic_sentence"] == ("Whether a break fits better cannot be judged with "
                                         "these data.")
    assert got["second_sentence"].startswith("The configured run files hold no runs of o4-mini")


def test_absent_models_and_files_read_not_available(tmp_path):
    got = write(tmp_path)
    assert got["kernel_ratio_1"] == NOT_AVAILABLE  # o4-mini has no rows
    assert got["mv_range"] == NOT_AVAILABLE  # no multiverse.csv in this build
    empty = collect_answers(tmp_path / "nothing", ["o3"], [], "k/main", ["2019-01-01"])
    assert set(empty.values()) >= {NOT_AVAILABLE}
    assert empty["rebench_focus"] == NOT_AVAILABLE


def test_multiverse_percentile_of_metr_choice():
    metr = dict(weighting="invsqrt_task_weight", regularization=0.1, success="delivered",
                subset="all", link="logistic", hack_policy="as_delivered", dataset="d",
                alias="o3 (Inspect)", display_name="o3", status="ok")
    rows = pd.DataFrame([dict(metr, p50_min=100.0), dict(metr, link="probit", p50_min=150.0),
                         dict(metr, subset="hcast", p50_min=200.0),
                         dict(metr, regularization=0.0, p50_min=50.0)])
    got = multiverse_answers(rows, "o3")
    assert got["mv_metr"] == "100.0 min" and got["mv_percentile"] == "25th"
    assert got["mv_range"] == "50.0 to 200.0 min" and got["mv_n"] == "4"
    assert got["mv_biggest"] == "HCAST only (× 2.00 against METR's choices)"


def test_phrase_and_month():
    assert phrase(np.nan) == NOT_AVAILABLE
    assert phrase(3.14159, digits=2, unit="min") == "3.14 min"
    assert month_of(2025.0) == "January 2025"


def test_every_page_key_exists_with_one_focus_and_no_comparison(tmp_path):
    """The page glues fixed keys; an edition with fewer models must still provide them all."""
    full = write(tmp_path)
    sparse = collect_answers(tmp_path, ["o3"], [], "k/main", ["2019-01-01"])
    assert set(sparse) == set(full)
    assert sparse["kernel_ratio_1"] == sparse["noise_ratio_1"] == NOT_AVAILABLE


def test_answers_page_uses_only_keys_that_collect_answers_provides(repo_root, tmp_path):
    import re

    page = (repo_root / "chapters" / "answers.md").read_text()
    used = set(re.findall(r"\{glue:text\}`([a-z_0-9]+)", page))
    provided = set(collect_answers(tmp_path / "none", ["x"], [], "k", ["2019-01-01"]))
    # section 7 is glued by its own module (horizonlib.report.answers_difficulty)
    from horizonlib.report.answers_difficulty import difficulty_answers
    provided |= set(difficulty_answers(tmp_path / "none", ["x"], []))
    assert used and used <= provided, used - provided


def test_bic_sentence_follows_the_sign():
    assert "no evidence for a break" in bic_sentence(-0.7)
    assert "weak evidence" in bic_sentence(3.3)
    assert "strong evidence" in bic_sentence(9.0)
    from horizonlib.common.text import english_list

    assert english_list(["a", "b", "c"]) == "a, b and c" and english_list([]) == "none"
