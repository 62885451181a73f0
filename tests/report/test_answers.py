"""The answers page phrases the results files' numbers, and says when one is not available."""

import numpy as np
import pandas as pd

from horizonlib.report import answers
from horizonlib.report.answers import collect_answers
from horizonlib.common.text import NOT_AVAILABLE, month_of, phrase


def ablation(question, model, variant, metric, estimate, low=np.nan, high=np.nan):
    return dict(question=question, model=model, variant=variant, metric=metric,
                estimate=estimate, ci_low=low, ci_high=high)


ROWS = [
    ablation("drop_kernel", "o3 (Inspect) [rb]", "all tasks", "rebench_mean", 0.46, 0.39, 0.57),
    ablation("drop_kernel", "Claude 3.7 Sonnet (Inspect) [rb]", "all tasks", "rebench_mean",
             0.50, 0.40, 0.60),
    ablation("drop_kernel", "GPT-4o (Inspect) [rb]", "all tasks", "rebench_mean", 0.01),
    ablation("drop_kernel", "o3 (Inspect) [runs]", "without k/main", "ratio_to_all", 0.99, 0.9,
             1.1),
    ablation("rebench_share", "o3 (Inspect) [runs]", "invsqrt_task_weight", "weight_share", 0.041),
    ablation("subset_fit", "o3 (Inspect) [runs]", "all tasks", "p50_min", 120.73, 76.0, 201.3),
    ablation("subset_fit", "o3 (Inspect) [runs]", "RE-Bench only", "p50_min", np.nan),
    ablation("noise", "o3 vs Claude 3.7 Sonnet", "runs:x", "p50_ratio", 2.0, 1.1, 3.9),
    ablation("noise", "o3 vs Claude 3.7 Sonnet", "runs:x", "rebench_diff", -0.04, -0.3, 0.2),
    ablation("noise", "o3 vs Claude 3.7 Sonnet", "levels_all", "p50_ratio_ci_width", 1.7),
    ablation("trend", "frontier", "from_2019-01-01", "doubling_days", 206.9, 167.9, 237.9),
    ablation("trend", "frontier", "from_2019-01-01", "year_reaching_work_month", 2029.56, 2028.5,
             2030.8),
    ablation("reward_hacking", "o3", "highest_scoring_k0", "p50_min", 120.7),
    ablation("reward_hacking", "o3", "highest_scoring_k42", "p50_min", 242.6),
    ablation("reward_hacking", "o3", "overtake_Claude 3.7 Sonnet_hacking_tasks", "k_runs", 4),
]


def write(tmp_path):
    pd.DataFrame(ROWS).to_csv(tmp_path / "ablations.csv", index=False)
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
    assert got["trend_all"] == "207 days (95% CI 168 to 238)"
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
                model="o3 (Inspect)", status="ok")
    rows = pd.DataFrame([dict(metr, p50_min=100.0), dict(metr, link="probit", p50_min=150.0),
                         dict(metr, subset="hcast", p50_min=200.0),
                         dict(metr, regularization=0.0, p50_min=50.0)])
    got = answers.multiverse_answers(rows, "o3")
    assert got["mv_metr"] == "100.0 min" and got["mv_percentile"] == "25th"
    assert got["mv_range"] == "50.0 to 200.0 min" and got["mv_n"] == "4"
    assert got["mv_biggest"] == "HCAST only (× 2.00 against METR's choices)"


def test_phrase_and_month():
    assert phrase(np.nan) == NOT_AVAILABLE
    assert phrase(3.14159, digits=2, unit="min") == "3.14 min"
    assert month_of(2025.0) == "January 2025"
    assert answers.label_display("o3 (Inspect) [th-1-1]") == "o3"
    assert answers.label_dataset("o3 (Inspect) [th-1-1]") == "th-1-1"


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
    assert "no evidence for a break" in answers.bic_sentence(-0.7)
    assert "weak evidence" in answers.bic_sentence(3.3)
    assert "strong evidence" in answers.bic_sentence(9.0)
    from horizonlib.common.text import english_list

    assert english_list(["a", "b", "c"]) == "a, b and c" and english_list([]) == "none"
