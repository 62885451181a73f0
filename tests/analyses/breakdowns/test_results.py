"""Tests of horizonlib.analyses.breakdowns.results: rows of the results files fit their schemas."""

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import results as breakdown_results
from horizonlib.analyses.breakdowns import subsets
from horizonlib.report.results import write_results, append_results
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.breakdowns.toy_runs import simulated


def test_results_rows_fit_the_schemas(tmp_path):
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    rng = np.random.default_rng(0)
    draws = rebench.rebench_task_draws(runs, 20, rng)
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]),
                               draws=SharedDraws(20, seed=0))
    loo = pd.concat([influence_refits.leave_one_out(runs, "task"),
                     influence_refits.leave_one_out(runs, "family")])
    abl = breakdown_results.ablation_rows(rebench.weight_share(runs), fits,
                                          rebench.rebench_means(draws), kernel)
    write_results(breakdown_results.rebench_results(rebench.rebench_task_scores(draws)), "rebench",
                  tmp_path)
    write_results(breakdown_results.influence_results(loo), "influence", tmp_path)
    append_results(abl, "ablations", tmp_path)
    assert set(abl["question"]) == {"rebench_share", "subset_fit", "drop_kernel"}
    dk = abl[abl["question"] == "drop_kernel"]
    assert set(dk["metric"]) == {"p50_min", "ratio_to_all", "rebench_mean"}
    assert len(dk[dk["metric"] == "rebench_mean"]) == 2 * 6
    assert not abl.duplicated(["question", "dataset", "alias", "variant", "metric"]).any()
    assert ("sim", "Sim-Fir", "Sim-Fir") in set(zip(abl["dataset"], abl["alias"],
                                                    abl["display_name"]))
    scores = pd.read_csv(tmp_path / "rebench.csv")
    assert (scores["n_set_tasks"] == runs.loc[runs["task_source"] == "RE-Bench",
                                              "task_id"].nunique()).all()
    back = pd.read_csv(tmp_path / "influence.csv")
    assert len(back) == len(loo)
