"""The answers page's per-task questions: RE-Bench (1), the kernel task (2), reward hacking (3).

Presentation layer: phrases from the ``ablations`` and ``influence`` results files, with
"not available" where a configured edition lacks a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, phrase
from horizonlib.report.answers_lookup import estimate_of, rows_of


def rebench_answers(ablations: pd.DataFrame, focus: str, comparisons: list[str]) -> dict:
    """Question 1: RE-Bench means and ranks, RE-Bench's share of the fit, subset fits."""
    means = rows_of(ablations, "drop_kernel", "rebench_mean", "all tasks")
    mine = means[means["display_name"] == focus]
    out = {"rebench_task_set": NOT_AVAILABLE, "rebench_focus": NOT_AVAILABLE,
           "rebench_rank": NOT_AVAILABLE, "rebench_comparisons": NOT_AVAILABLE,
           "rebench_order": "the comparison is " + NOT_AVAILABLE}
    if not mine.empty:
        dataset = mine["dataset"].iloc[0]
        same = means[means["dataset"] == dataset].sort_values("estimate", ascending=False)
        rank = int((same["estimate"] > mine["estimate"].iloc[0]).sum()) + 1
        out["rebench_task_set"] = str(dataset)
        out["rebench_focus"] = phrase(*estimate_of(mine), digits=2)
        out["rebench_rank"] = f"{rank} of {len(same)}"
        others = same[same["display_name"].isin(comparisons)]
        first = (others[others["display_name"] == comparisons[0]] if comparisons
                 else others.iloc[:0])
        if not first.empty:
            above = mine["estimate"].iloc[0] > first["estimate"].iloc[0]
            out["rebench_order"] = (f"{focus}'s mean is {'above' if above else 'below'} "
                                    f"{comparisons[0]}'s on this task set")
        if not others.empty:
            out["rebench_comparisons"] = "; ".join(
                f"{r.display_name} {phrase(r.estimate, r.ci_low, r.ci_high, digits=2)}"
                for r in others.itertuples())
    share = estimate_of(rows_of(ablations, "rebench_share", "weight_share", model=focus))[0]
    out["rebench_weight_share"] = (NOT_AVAILABLE if not np.isfinite(share)
                                   else f"{100 * share:.1f}%")
    out["p50_all"] = phrase(
        *estimate_of(rows_of(ablations, "subset_fit", "p50_min", "all tasks", focus)), unit="min")
    out["p50_without_rebench"] = phrase(
        *estimate_of(rows_of(ablations, "subset_fit", "p50_min", "without RE-Bench", focus)),
        unit="min")
    only = estimate_of(rows_of(ablations, "subset_fit", "p50_min", "RE-Bench only", focus))[0]
    has_row = not rows_of(ablations, "subset_fit", "p50_min", "RE-Bench only", focus).empty
    out["p50_rebench_only"] = (
        phrase(only, unit="min") if np.isfinite(only)
        else "not identifiable (every RE-Bench task is about eight hours long)" if has_row
        else NOT_AVAILABLE)
    return out


def kernel_answers(ablations: pd.DataFrame, influence: pd.DataFrame, focus_models: list[str],
                   kernel_task: str) -> dict:
    """Question 2: the kernel task's effect on the focus models, and the largest movers."""
    # Always two slots: the page names both focus models, whether or not the edition has them.
    out = {}
    for i, model in enumerate((list(focus_models) + ["", ""])[:2]):
        ratio = rows_of(ablations, "drop_kernel", "ratio_to_all", f"without {kernel_task}", model)
        out[f"kernel_ratio_{i}"] = phrase(*estimate_of(ratio), digits=2)
        mean = rows_of(ablations, "drop_kernel", "rebench_mean", f"without {kernel_task}", model)
        out[f"kernel_rebench_{i}"] = phrase(*estimate_of(mean), digits=2)
        movers = influence[(influence["display_name"] == model)
                           & (influence["level"] == "task")]
        if movers.empty:
            out[f"top_mover_{i}"] = NOT_AVAILABLE
        else:
            top = movers.loc[(np.log(movers["ratio_to_full"])).abs().idxmax()]
            out[f"top_mover_{i}"] = f"{top['dropped']} (× {top['ratio_to_full']:.2f})"
    return out


def hacking_answers(ablations: pd.DataFrame, focus: str, comparison: str) -> dict:
    """Question 3: the tipping-point range of the focus model's horizon and RE-Bench mean."""
    rows = rows_of(ablations, "reward_hacking", "p50_min", model=focus)
    scored = rows[rows["variant"].str.startswith("highest_scoring_k")]
    out = {"hack_k0": NOT_AVAILABLE, "hack_kmax": NOT_AVAILABLE, "hack_k": NOT_AVAILABLE,
           "hack_tasks_max": NOT_AVAILABLE,
           "hack_overtake": f"Whether re-scoring could lift {focus} past {comparison} on "
                            f"RE-Bench is {NOT_AVAILABLE}."}
    if not scored.empty:
        k = scored["variant"].str.removeprefix("highest_scoring_k").astype(int)
        out["hack_k0"] = phrase(float(scored.loc[k.idxmin(), "estimate"]), unit="min")
        out["hack_kmax"] = phrase(float(scored.loc[k.idxmax(), "estimate"]), unit="min")
        out["hack_k"] = f"{int(k.max())}"
    tasks = rows[rows["variant"].str.startswith("hacking_tasks_k")]
    if not tasks.empty:
        k = tasks["variant"].str.removeprefix("hacking_tasks_k").astype(int)
        out["hack_tasks_max"] = (f"{phrase(float(tasks.loc[k.idxmax(), 'estimate']), unit='min')}"
                                 f" after re-scoring all {int(k.max())} failed runs there")
    overtake = rows_of(ablations, "reward_hacking", "k_runs",
                     f"overtake_{comparison}_hacking_tasks", focus)
    if not overtake.empty:
        value = float(overtake["estimate"].iloc[0])
        out["hack_overtake"] = (
            f"None are needed to pass {comparison} on RE-Bench: {focus} is already ahead on "
            "these data." if value == 0 else
            f"{value:.0f} re-scored {'run' if value == 1 else 'runs'} would lift it past "
            f"{comparison} on RE-Bench." if np.isfinite(value) else
            f"Even re-scoring every failed run on those tasks would not lift it past "
            f"{comparison} on RE-Bench.")
    return out
