"""The book's answers page: short answers to the thread's questions from the results files.

Presentation layer. Every chapter writes its key numbers under ``results_dir`` (see
:mod:`horizonlib.report.results`); :func:`collect_answers` reads them back
(:mod:`horizonlib.report.answers_lookup`) and phrases one answer per question as text with units
and confidence intervals: questions 1-3 in :mod:`horizonlib.report.answers_tasks`, 4 in
:mod:`horizonlib.report.answers_noise`, 5 in :mod:`horizonlib.report.answers_trend`, 6 in
:mod:`horizonlib.report.answers_multiverse`; the headline and the second focus model here.
Nothing is recomputed, so the answers page cannot disagree with the chapters it links to. A
number a configured edition cannot provide (a model absent from its data) becomes an explicit
"not available" phrase (:data:`NOT_AVAILABLE`), never a silent gap.
"""

from __future__ import annotations

import os

import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, english_list, phrase
from horizonlib.report.answers_lookup import estimate_of, rows_of, read_results
from horizonlib.report.answers_multiverse import multiverse_answers
from horizonlib.report.answers_noise import noise_answers
from horizonlib.report.answers_tasks import hacking_answers, kernel_answers, rebench_answers
from horizonlib.report.answers_trend import trend_answers, trend_sources


def collect_answers(results_dir: str | os.PathLike, focus_models: list[str],
                    comparison_models: list[str], kernel_task: str,
                    trend_windows: list[str]) -> dict[str, str]:
    """Every phrase of the answers page, keyed by glue name (all values are text)."""
    res = read_results(results_dir, ["ablations", "influence", "multiverse", "trend",
                                     "trend_checks", "horizons", "differences"])
    ablations = res["ablations"].astype({"variant": str, "alias": str, "display_name": str})
    focus = focus_models[0] if focus_models else ""
    comparison = comparison_models[0] if comparison_models else ""
    out = {"focus": focus or NOT_AVAILABLE, "comparison": comparison or NOT_AVAILABLE}
    out.update(rebench_answers(ablations, focus, list(comparison_models)))
    out.update(kernel_answers(ablations, res["influence"], list(focus_models), kernel_task))
    out.update(hacking_answers(ablations, focus, comparison))
    differences = res["differences"].astype({"variant": str})
    out.update(noise_answers(differences, focus, list(comparison_models)))
    window = str(trend_windows[0])[:10]
    out.update(trend_answers(ablations, res["trend"], res["trend_checks"], focus, window))
    out.update(trend_sources(res["trend"], focus, window))
    second = focus_models[1] if len(focus_models) > 1 else ""
    others = [focus] + ([comparison] if comparison else [])
    out.update({f"second_{k}": v for k, v in noise_answers(differences, second, others).items()})
    out.update(multiverse_answers(res["multiverse"], focus))
    out["focus_second"] = second or NOT_AVAILABLE
    out["kernel_task_shown"] = kernel_task
    out["trend_excluded"] = english_list(list(focus_models), empty="the focus models")
    out["second_sentence"] = second_focus_sentence(out, second, focus, comparison)
    out.update(headline_answers(res["horizons"], ablations, focus))
    return out


def headline_answers(horizons: pd.DataFrame, ablations: pd.DataFrame, focus: str) -> dict:
    """The focus model's fitted 50% horizon (``horizons.csv``, the fit chapter's bootstrap) and
    its ratio without RE-Bench (the per-task chapter's paired bootstrap)."""
    out = {"p50_headline": NOT_AVAILABLE}
    if not horizons.empty:
        rows = horizons[(horizons["source"] == "fitted") & (horizons["p"] == 0.5)
                        & (horizons["display_name"] == focus)]
        if not rows.empty:
            row = rows.iloc[0]
            out["p50_headline"] = (phrase(row["horizon_min"], row["ci_low_min"],
                                          row["ci_high_min"], unit="min")
                                   + f" on {row['dataset']}")
    ratio = estimate_of(rows_of(ablations, "subset_fit", "ratio_to_all", "without RE-Bench", focus))
    out["ratio_without_rebench"] = phrase(*ratio, digits=2)
    return out


def second_focus_sentence(out: dict, second: str, focus: str, comparison: str) -> str:
    """Question 2 for the second focus model: per-task data if the edition has them, else
    METR's published horizons compared whole; nothing when there is no second model."""
    if not second:
        return ""
    if out["kernel_ratio_1"] != NOT_AVAILABLE:
        return f"For {second}, dropping it multiplies the 50% horizon by {out['kernel_ratio_1']}."
    text = (f"The configured run files hold no runs of {second}, so its per-task question "
            "cannot be answered here.")
    if out["second_noise_ratio_0"] != NOT_AVAILABLE:
        text += (f" METR's published paired bootstrap still compares whole horizons: "
                 f"{second} against {focus} {out['second_noise_ratio_0']}, which "
                 f"{out['second_noise_verdict_0']}")
        if out["second_noise_ratio_1"] != NOT_AVAILABLE:
            text += f"; against {comparison} {out['second_noise_ratio_1']}"
        text += "."
    return text
