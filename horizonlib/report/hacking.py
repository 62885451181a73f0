"""Presentation layer: the reward-hacking chapter's sentences and display tables, from
horizonlib.analyses.hacking's results.

Job: turn the results of :mod:`horizonlib.analyses.hacking` into what the chapter shows and quotes:
every value of the prose (:func:`hacking_glue`, with :func:`tasks_sentence`), the note on absent
models (:func:`missing_note`), the overtaking table (:func:`comparison_display`) and the policy
table or the note in its place (:func:`policy_display`, :func:`policy_note`). Nothing is computed
here that the analyses module does not already give; :mod:`horizonlib.analyses.hacking` never imports
this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.hacking.flags import policy_table
from horizonlib.analyses.hacking.models import missing_models
from horizonlib.analyses.hacking.tipping import REPORTED_HACK_SHARE, default_k_max
from horizonlib.common.text import NOT_AVAILABLE, dataset_label, english_list, plural


def task_name(task_id: str) -> str:
    """Short task name: ``"ai_rd_triton_cumsum/main"`` -> ``"triton_cumsum"``."""
    return str(task_id).split("/")[0].removeprefix("ai_rd_")


def missing_note(runs: pd.DataFrame, names: Sequence[str]) -> str:
    """One sentence naming the models of the question absent from the configured run files."""
    absent = missing_models(runs, names)
    if not absent:
        return "Every model named in the question has runs in the configured run files."
    verb = "has" if len(absent) == 1 else "have"
    return (f"{english_list(absent)} {verb} no runs in the configured run files, so this "
            "run-level analysis leaves "
            f"{'it' if len(absent) == 1 else 'them'} out.")


def tasks_sentence(hacking_tasks: Sequence[str], absent: Sequence[str],
                   rebench_tasks: Sequence[str]) -> str:
    """One sentence: which of the tasks with reported hacking the run file holds.

    Parameters
    ----------
    hacking_tasks : sequence of str
        Task ids where METR reported hacking.
    absent : sequence of str
        Those of them not in the run file.
    rebench_tasks : sequence of str
        The run file's RE-Bench task ids.
    """
    inside = [task_name(t) for t in hacking_tasks if t not in set(absent)]
    outside = [task_name(t) for t in absent]
    suite = english_list([task_name(t) for t in rebench_tasks])
    n = len(hacking_tasks)
    if not inside:
        return (f"None of the {plural(n, 'task')} where METR reported hacking "
                f"({english_list(outside)}) is in this run file, so the hacking-task pool is "
                "empty.")
    if not outside:
        both = "Both" if n == 2 else "All"
        return (f"{both} tasks where METR reported hacking ({english_list(inside)}) are among "
                f"this run file's RE-Bench tasks ({suite}).")
    verb = "is" if len(inside) == 1 else "are"
    verb_out = "is" if len(outside) == 1 else "are"
    return (f"Of the {plural(n, 'task')} where METR reported hacking, only {english_list(inside)} "
            f"{verb} among this run file's RE-Bench tasks ({suite}); {english_list(outside)} "
            f"{verb_out} not part of it, so hacked runs there cannot be in these data at all.")


def _overtake_words(k: float, k_max: int) -> str:
    if not np.isfinite(k):
        return f"not within the range (k ≤ {k_max})"
    if k == 0:
        return "already ahead at k = 0"
    return f"k = {int(k)}"


def hacking_glue(analysis: dict, comparison_models: Sequence[str],
                 hacking_tasks: Sequence[str]) -> dict[str, str]:
    """Every value the reward-hacking chapter's prose shows, as text with units.

    Parameters
    ----------
    analysis : dict
        :func:`horizonlib.analyses.hacking.tipping.hacking_analysis` output (found or not).
    comparison_models : sequence of str
        The comparison models (the first one is the bar discussed in the prose).
    hacking_tasks : sequence of str
        Task ids with reported hacking.

    Returns
    -------
    dict of str to str
        Keys ``hk_model, hk_dataset, hk_n_runs, hk_n_fail, hk_p50_0, hk_rb_0,
        hk_tasks_present, hk_tasks_absent, hk_rebench_tasks, hk_tasks_sentence, hk_k_hack,
        hk_hack_all, hk_p50_hack,
        hk_rb_hack, hk_k_max, hk_k_max_share, hk_p50_top, hk_p50_top_ratio, hk_rb_top, hk_comp,
        hk_comp_mean, hk_overtake_hack, hk_overtake_top, hk_k2, hk_p50_k2, hk_p50_k2_ratio,
        hk_verdict``. Horizons in minutes ("120.7 min"), RE-Bench means as normalized scores with
        two decimals. When the model is absent every value is :data:`NOT_AVAILABLE` (and
        ``hk_verdict`` says why).
    """
    model = analysis["model"]
    comp = comparison_models[0] if len(comparison_models) else NOT_AVAILABLE
    keys = ["hk_dataset", "hk_n_runs", "hk_n_fail", "hk_p50_0", "hk_rb_0", "hk_tasks_present",
            "hk_tasks_absent", "hk_rebench_tasks", "hk_tasks_sentence", "hk_k_hack",
            "hk_hack_all", "hk_p50_hack", "hk_rb_hack",
            "hk_k_max", "hk_k_max_share", "hk_p50_top", "hk_p50_top_ratio", "hk_rb_top",
            "hk_comp_mean", "hk_overtake_hack", "hk_overtake_top", "hk_k2", "hk_p50_k2",
            "hk_p50_k2_ratio"]
    out = {"hk_model": model, "hk_comp": comp, **dict.fromkeys(keys, NOT_AVAILABLE)}
    if not analysis.get("found"):
        out["hk_verdict"] = (f"{model} has no runs in the configured run files, so the "
                             "tipping-point analysis cannot be run in this edition.")
        return out
    curves = analysis["curves"]
    first = curves[curves["k"] == 0].iloc[0]
    last = curves.groupby("strategy").tail(1).set_index("strategy")
    hack, top = last.loc["hacking_tasks"], last.loc["highest_scoring"]
    scored = curves[curves["strategy"] == "highest_scoring"].set_index("k")
    k2 = min(default_k_max(analysis["n_runs"], REPORTED_HACK_SHARE[1]), int(top["k"]))
    comps = analysis["comparisons"].set_index("model")
    k_max = analysis["k_max"]

    def minutes(v):
        return f"{v:,.1f} min" if np.isfinite(v) else NOT_AVAILABLE

    def score(v):
        return f"{v:.2f}" if np.isfinite(v) else NOT_AVAILABLE

    out.update({
        "hk_dataset": dataset_label(analysis["dataset"]),
        "hk_n_runs": f"{analysis['n_runs']:,}",
        "hk_n_fail": f"{analysis['n_failures']:,}",
        "hk_p50_0": minutes(first["p50_min"]),
        "hk_rb_0": score(first["rebench_mean"]),
        "hk_tasks_present": english_list([task_name(t) for t in
                                          analysis["hacking_tasks_present"]]),
        "hk_tasks_absent": english_list([task_name(t) for t in
                                         analysis["hacking_tasks_absent"]]),
        "hk_rebench_tasks": english_list([task_name(t) for t in analysis["rebench_tasks"]]),
        "hk_tasks_sentence": tasks_sentence(hacking_tasks, analysis["hacking_tasks_absent"],
                                            analysis["rebench_tasks"]),
        "hk_k_hack": plural(analysis["n_hacking_pool"], "failed run"),
        "hk_hack_all": ("all of them" if int(hack["k"]) >= analysis["n_hacking_pool"] else
                        f"{int(hack['k'])} of them (the range of k stops at "
                        f"{100 * int(hack['k']) / analysis['n_runs']:.1f}% of the runs)"),
        "hk_p50_hack": minutes(hack["p50_min"]),
        "hk_rb_hack": score(hack["rebench_mean"]),
        "hk_k_max": plural(top["k"], "failed run"),
        "hk_k_max_share": f"{100 * top['k'] / analysis['n_runs']:.1f}%",
        "hk_p50_top": minutes(top["p50_min"]),
        "hk_p50_top_ratio": f"{top['p50_min'] / first['p50_min']:.2f}",
        "hk_rb_top": score(top["rebench_mean"]),
        "hk_k2": plural(k2, "run"),
        "hk_p50_k2": minutes(scored.loc[k2, "p50_min"]),
        "hk_p50_k2_ratio": f"{scored.loc[k2, 'p50_min'] / first['p50_min']:.2f}",
    })
    if comp in comps.index:
        target = float(comps.loc[comp, "rebench_mean"])
        k_hack, k_top = comps.loc[comp, "k_hacking_tasks"], comps.loc[comp, "k_highest_scoring"]
        out["hk_comp_mean"] = score(target)
        out["hk_overtake_hack"] = _overtake_words(k_hack, int(hack["k"]))
        out["hk_overtake_top"] = _overtake_words(k_top, k_max)
        if not np.isfinite(target):
            out["hk_verdict"] = (f"{comp} has no RE-Bench runs in {out['hk_dataset']}, so there "
                                 "is no RE-Bench mean to overtake.")
        elif k_hack == 0:
            out["hk_verdict"] = (
                f"On these data the question is moot: scored by METR's rule (k = 0), {model}'s "
                f"RE-Bench mean ({out['hk_rb_0']}) is already above {comp}'s "
                f"({out['hk_comp_mean']}), so no re-scoring of hacked runs is needed for it to "
                "come out ahead, and counting them as failures cannot be what puts it there.")
        elif np.isfinite(k_hack):
            out["hk_verdict"] = (
                f"Scored by METR's rule, {model}'s RE-Bench mean ({out['hk_rb_0']}) is below "
                f"{comp}'s ({out['hk_comp_mean']}); re-scoring {plural(k_hack, 'failed run')} "
                "on the hacking tasks would put it ahead.")
        else:
            out["hk_verdict"] = (
                f"Scored by METR's rule, {model}'s RE-Bench mean ({out['hk_rb_0']}) is below "
                f"{comp}'s ({out['hk_comp_mean']}), and re-scoring every failed run on the "
                "hacking tasks would not put it ahead.")
    else:
        out["hk_verdict"] = (f"{comp} has no runs in {out['hk_dataset']}, so there is no bar "
                             "to beat.")
    return out


def comparison_display(analysis: dict) -> pd.DataFrame:
    """The overtaking table of the chapter as text (no index needed).

    Returns
    -------
    pandas.DataFrame
        One row per comparison model: ``comparison model``, ``its RE-Bench mean`` (normalized
        score, 2 decimals), and for each pool the smallest number ``k`` of re-scored failures
        at which the analysed model's RE-Bench mean exceeds it ("0 (already ahead)", an integer,
        or "not within k ≤ K"). Empty (same columns) when the model is absent.
    """
    cols = ["comparison model", "its RE-Bench mean (normalized score)",
            "k to overtake: hacking-task pool", "k to overtake: highest-scoring pool"]
    if not analysis.get("found"):
        return pd.DataFrame(columns=cols)
    curves = analysis["curves"]
    k_last = curves.groupby("strategy")["k"].max()
    comps = analysis["comparisons"]

    def words(k, k_max):
        if not np.isfinite(k):
            return f"not within k ≤ {int(k_max)}"
        return "0 (already ahead)" if k == 0 else f"{int(k)}"

    rows = [[r["model"],
             f"{r['rebench_mean']:.2f}" if np.isfinite(r["rebench_mean"]) else "no RE-Bench runs",
             words(r["k_hacking_tasks"], k_last["hacking_tasks"]),
             words(r["k_highest_scoring"], k_last["highest_scoring"])]
            for _, r in comps.iterrows()]
    return pd.DataFrame(rows, columns=cols)


def policy_display(runs: pd.DataFrame, flags: pd.DataFrame,
                   weighting: str = "invsqrt_task_weight", regularization: float = 0.1,
                   success_percents=(50, 80)) -> pd.DataFrame:
    """:func:`horizonlib.analyses.hacking.flags.policy_table` as text: readable policy names,
horizons in
    minutes (1 decimal), RE-Bench means with 2 decimals, flagged-run counts as integers."""
    tab = policy_table(runs, flags, weighting, regularization, success_percents)
    names = {"as_failure": "as failure (METR)", "as_scored": "as scored", "exclude": "excluded"}
    out = pd.DataFrame({
        "policy": tab["policy"].map(names),
        "run file": tab["dataset"].map(dataset_label),
        "model": tab["display_name"],
        "flagged runs": tab["n_flagged"].fillna(0).astype(int).astype(str),
    })
    for sp in success_percents:
        out[f"{sp}% horizon (min)"] = [f"{v:,.1f}" if np.isfinite(v) else "—"
                                       for v in tab[f"p{sp}_min"]]
    out["RE-Bench mean"] = [f"{v:.2f}" if np.isfinite(v) else "—" for v in tab["rebench_mean"]]
    return out


def policy_note(hack_flags: str | None) -> str:
    """Markdown shown in place of the policy table when no flag file is configured."""
    if hack_flags is None:
        return ("*No flag file is configured (`hack_flags: null`), so the three-policy "
                "comparison is skipped; the tipping-point analysis below stands in for it.*")
    return f"*Flag file: `{hack_flags}`; the policy comparison follows.*"
