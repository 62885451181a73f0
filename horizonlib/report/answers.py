"""The book's answers page: short answers to the thread's questions from the results files.

Presentation layer. Every chapter writes its key numbers under ``results_dir`` (see
:mod:`horizonlib.report.results`); this module reads them back and phrases one answer per question
as text with units and confidence intervals. Nothing is recomputed here, so the answers page
cannot disagree with the chapters it links to. A number a configured edition cannot provide
(a model absent from its data) becomes an explicit "not available" phrase, never a silent gap.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import (
    DIMENSION_COLUMNS,
    is_metr_dimension,
    is_metr_specification,
)
from horizonlib.report.multiverse import level_label
from horizonlib.data.runs import display_name
from horizonlib.common.text import NOT_AVAILABLE, english_list, format_number, month_of, phrase



def read_results(results_dir: str | os.PathLike, names) -> dict[str, pd.DataFrame]:
    """Read the results files ``<results_dir>/<name>.csv``; a missing one is an empty table.

    A missing file means the chapter that writes it was not built (for example a build
    restricted with ``chapters``); the answers that need it then read "not available".
    """
    out = {}
    for name in names:
        path = Path(results_dir) / f"{name}.csv"
        out[name] = pd.read_csv(path) if path.is_file() else pd.DataFrame(
            columns=["question", "model", "variant", "metric", "estimate", "ci_low", "ci_high"])
    return out


def label_display(label: str) -> str:
    """Display name of a results-file model label (``"o3 (Inspect) [th-1-1]"`` -> ``"o3"``)."""
    return display_name(re.sub(r"\s*\[[^\]]*\]$", "", str(label)))


def label_dataset(label: str) -> str | None:
    """Dataset of a results-file model label (``"o3 (Inspect) [th-1-1]"`` -> ``"th-1-1"``)."""
    match = re.search(r"\[([^\]]*)\]$", str(label))
    return match.group(1) if match else None


def _rows(ablations: pd.DataFrame, question: str, metric: str, variant: str | None = None,
          model: str | None = None) -> pd.DataFrame:
    """Rows of one question and metric; ``model`` matches a display name or a pair label."""
    rows = ablations[(ablations["question"] == question) & (ablations["metric"] == metric)]
    if variant is not None:
        rows = rows[rows["variant"] == variant]
    if model is not None:
        shown = rows["model"].map(label_display)
        rows = rows[(shown == model) | (rows["model"] == model)]
    return rows


def _first(rows: pd.DataFrame) -> tuple[float, float, float]:
    if rows.empty:
        return np.nan, np.nan, np.nan
    row = rows.iloc[0]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])


def rebench_answers(ablations: pd.DataFrame, focus: str, comparisons: list[str]) -> dict:
    """Question 1: RE-Bench means and ranks, RE-Bench's share of the fit, subset fits."""
    means = _rows(ablations, "drop_kernel", "rebench_mean", "all tasks")
    means = means.assign(display=means["model"].map(label_display),
                         dataset=means["model"].map(label_dataset))
    mine = means[means["display"] == focus]
    out = {"rebench_task_set": NOT_AVAILABLE, "rebench_focus": NOT_AVAILABLE,
           "rebench_rank": NOT_AVAILABLE, "rebench_comparisons": NOT_AVAILABLE,
           "rebench_order": "the comparison is " + NOT_AVAILABLE}
    if not mine.empty:
        dataset = mine["dataset"].iloc[0]
        same = means[means["dataset"] == dataset].sort_values("estimate", ascending=False)
        rank = int((same["estimate"] > mine["estimate"].iloc[0]).sum()) + 1
        out["rebench_task_set"] = str(dataset)
        out["rebench_focus"] = phrase(*_first(mine), digits=2)
        out["rebench_rank"] = f"{rank} of {len(same)}"
        others = same[same["display"].isin(comparisons)]
        first = others[others["display"] == comparisons[0]] if comparisons else others.iloc[:0]
        if not first.empty:
            above = mine["estimate"].iloc[0] > first["estimate"].iloc[0]
            out["rebench_order"] = (f"{focus}'s mean is {'above' if above else 'below'} "
                                    f"{comparisons[0]}'s on this task set")
        if not others.empty:
            out["rebench_comparisons"] = "; ".join(
                f"{r.display} {phrase(r.estimate, r.ci_low, r.ci_high, digits=2)}"
                for r in others.itertuples())
    share = _first(_rows(ablations, "rebench_share", "weight_share", model=focus))[0]
    out["rebench_weight_share"] = (NOT_AVAILABLE if not np.isfinite(share)
                                   else f"{100 * share:.1f}%")
    out["p50_all"] = phrase(*_first(_rows(ablations, "subset_fit", "p50_min", "all tasks", focus)),
                            unit="min")
    out["p50_without_rebench"] = phrase(
        *_first(_rows(ablations, "subset_fit", "p50_min", "without RE-Bench", focus)), unit="min")
    only = _first(_rows(ablations, "subset_fit", "p50_min", "RE-Bench only", focus))[0]
    has_row = not _rows(ablations, "subset_fit", "p50_min", "RE-Bench only", focus).empty
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
        ratio = _rows(ablations, "drop_kernel", "ratio_to_all", f"without {kernel_task}", model)
        out[f"kernel_ratio_{i}"] = phrase(*_first(ratio), digits=2)
        mean = _rows(ablations, "drop_kernel", "rebench_mean", f"without {kernel_task}", model)
        out[f"kernel_rebench_{i}"] = phrase(*_first(mean), digits=2)
        movers = influence[(influence["model"].map(label_display) == model)
                           & (influence["level"] == "task")]
        if movers.empty:
            out[f"top_mover_{i}"] = NOT_AVAILABLE
        else:
            top = movers.loc[(np.log(movers["ratio_to_full"])).abs().idxmax()]
            out[f"top_mover_{i}"] = f"{top['dropped']} (× {top['ratio_to_full']:.2f})"
    return out


def hacking_answers(ablations: pd.DataFrame, focus: str, comparison: str) -> dict:
    """Question 3: the tipping-point range of the focus model's horizon and RE-Bench mean."""
    rows = _rows(ablations, "reward_hacking", "p50_min", model=focus)
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
    overtake = _rows(ablations, "reward_hacking", "k_runs",
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


def noise_answers(ablations: pd.DataFrame, focus: str, comparisons: list[str]) -> dict:
    """Question 4: paired horizon ratios and RE-Bench differences with their intervals.

    Run data are preferred (they give both the horizon ratio and the RE-Bench difference);
    METR's published samples, which carry horizons only, stand in when run data lack a model.
    """
    out = {}
    for i, other in enumerate((list(comparisons) + ["", ""])[:2]):
        pair = f"{focus} vs {other}" if focus and other else NOT_AVAILABLE
        rows = ablations[(ablations["question"] == "noise") & (ablations["model"] == pair)
                         & ~ablations["variant"].astype(str).str.startswith("levels_")]
        variants = sorted(rows["variant"].unique(), key=lambda v: (not str(v).startswith("runs:"), v))
        variant = variants[0] if variants else None
        ratio = _first(_rows(rows, "noise", "p50_ratio", variant))
        p_gt = _first(_rows(rows, "noise", "p50_ratio_p_gt_1", variant))[0]
        diff = _first(_rows(rows, "noise", "rebench_diff", variant))
        no_kernel = _first(_rows(rows, "noise", "rebench_diff_no_kernel", variant))
        out[f"noise_pair_{i}"] = pair
        out[f"noise_source_{i}"] = source_label(variant) if variant else NOT_AVAILABLE
        out[f"noise_ratio_{i}"] = phrase(*ratio, digits=2)
        out[f"noise_p_{i}"] = NOT_AVAILABLE if not np.isfinite(p_gt) else f"{100 * p_gt:.1f}%"
        out[f"noise_diff_{i}"] = phrase(*diff, digits=3)
        out[f"noise_diff_nk_{i}"] = phrase(*no_kernel, digits=3)
        out[f"noise_verdict_{i}"] = verdict(ratio[1], ratio[2], 1.0)
        out[f"noise_diff_verdict_{i}"] = verdict(diff[1], diff[2], 0.0)
        out[f"noise_sentence_{i}"] = noise_sentence(pair, variant, ratio, p_gt, diff, no_kernel)
    return out


def noise_sentence(pair: str, variant, ratio, p_gt: float, diff, no_kernel) -> str:
    """One sentence on a pair: horizon ratio, and the RE-Bench difference where measured."""
    if not np.isfinite(ratio[0]):
        return f"The configured data cannot compare {pair}." if pair != NOT_AVAILABLE else ""
    text = (f"For {pair} ({source_label(variant)}), the ratio of 50% horizons is "
            f"{phrase(*ratio, digits=2)}")
    if np.isfinite(p_gt):
        text += f", above 1 in {100 * p_gt:.1f}% of replicates"
    text += f": it {verdict(ratio[1], ratio[2], 1.0)}."
    if np.isfinite(diff[0]):
        text += (f" The difference of their RE-Bench means is {phrase(*diff, digits=3)}, which "
                 f"{verdict(diff[1], diff[2], 0.0)}"
                 + (f"; without the kernel task it is {phrase(*no_kernel, digits=3)}"
                    if np.isfinite(no_kernel[0]) else "") + ".")
    return text


def source_label(variant: str) -> str:
    """Words for a noise row's data source (``runs:<dataset>`` or ``published``)."""
    if str(variant).startswith("runs:"):
        return f"paired bootstrap of the run data of {variant.split(':', 1)[1]}"
    if variant == "published":
        return "METR's published paired bootstrap samples"
    return str(variant)


def verdict(low: float, high: float, null: float) -> str:
    """Whether an interval excludes the no-difference value ``null``, in words."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "cannot be judged with these data"
    if low > null or high < null:
        return "is distinguishable from no difference"
    return "is not distinguishable from no difference"


def trend_sources(trend: pd.DataFrame, focus: str, window: str) -> dict:
    """Which p50s the trend answers rest on, and our run-level doubling time beside them.

    ``trend.csv`` holds frontier doubling times from METR's published fits (``published``) and
    from our fits of each run file (``fitted``); the run-level one shown is the fit whose models
    include ``focus``.
    """
    rows = trend[(trend["window_start"].astype(str) == window)
                 & (trend["selection"] == "frontier")] if not trend.empty else trend
    published = rows[rows["source"] == "published"] if not rows.empty else rows
    out = {"trend_source": ("METR's published fits" if not published.empty
                            else "our fits of the run files")}
    fitted = rows[rows["source"] == "fitted"] if not rows.empty else rows
    if not fitted.empty:
        has_focus = fitted["models"].map(
            lambda models: focus in [display_name(m) for m in str(models).split(";")])
        fitted = fitted[has_focus] if has_focus.any() else fitted.iloc[:0]
    out["trend_fitted"] = (NOT_AVAILABLE if fitted.empty else phrase(
        *fitted[["doubling_days", "ci_low_days", "ci_high_days"]].iloc[0].astype(float),
        unit="days", digits=0))
    # Only worth a sentence when the headline rests on METR's published fits.
    out["trend_fitted_sentence"] = (
        f"Our own fits of the run data that include {focus} give {out['trend_fitted']}, on "
        "another set of models and task suite (see the fit chapter)."
        if not published.empty and not fitted.empty else "")
    return out


def bic_sentence(delta_bic: float) -> str:
    """Words for BIC(single line) − BIC(one break): positive favours the break."""
    if not np.isfinite(delta_bic):
        return "Whether a break fits better cannot be judged with these data."
    if delta_bic <= 0:
        return (f"A single line fits at least as well as a line with one break (BIC difference "
                f"{format_number(delta_bic, 1)}): no evidence for a break.")
    strength = "strong" if delta_bic > 6 else "weak"
    return (f"A line with one break fits better than a single line by a BIC difference of "
            f"{format_number(delta_bic, 1)}, which is {strength} evidence for a break (strong above "
            f"about 6).")


def trend_answers(ablations: pd.DataFrame, focus: str, window: str) -> dict:
    """Question 5: doubling times with and without the focus models, distance, break, date."""
    w = f"from_{window}"
    month = _first(_rows(ablations, "trend", "year_reaching_work_month", w, "frontier"))
    delta_bic = _first(_rows(ablations, "trend", "delta_bic_single_minus_broken", w, "frontier"))[0]
    p_value = _first(_rows(ablations, "trend", "p_value_above_trend", w, focus))[0]
    return {
        "trend_window": window,
        "trend_all": phrase(*_first(_rows(ablations, "trend", "doubling_days", w, "frontier")),
                            unit="days", digits=0),
        "trend_without": phrase(*_first(_rows(ablations, "trend", "doubling_days", w,
                                              "frontier_excl_focus")), unit="days", digits=0),
        "trend_distance": phrase(*_first(_rows(ablations, "trend", "ratio_to_trend", w, focus)),
                                 digits=2),
        "trend_p": NOT_AVAILABLE if not np.isfinite(p_value) else f"{p_value:.3f}",
        "trend_bic": NOT_AVAILABLE if not np.isfinite(delta_bic) else format_number(delta_bic, 1),
        "trend_bic_sentence": bic_sentence(delta_bic),
        "trend_month": (NOT_AVAILABLE if not np.isfinite(month[0]) else month_of(month[0]) + (
            f" (95% CI {month_of(month[1])} to {month_of(month[2])})"
            if np.isfinite(month[1]) and np.isfinite(month[2]) else "")),
    }


def multiverse_answers(multiverse: pd.DataFrame, focus: str) -> dict:
    """Question 6: the focus model's p50 over every specification, where METR's sits, and the
    single choice that moves it most (median ratio, other choices held fixed)."""
    out = {"mv_n": NOT_AVAILABLE, "mv_range": NOT_AVAILABLE, "mv_metr": NOT_AVAILABLE,
           "mv_percentile": NOT_AVAILABLE, "mv_biggest": NOT_AVAILABLE}
    if multiverse.empty:
        return out
    rows = multiverse[(multiverse["model"].map(display_name) == focus)
                      & (multiverse["status"] == "ok")]
    if rows.empty:
        return out
    rows = rows[rows["dataset"] == rows["dataset"].iloc[0]]
    metr = rows[is_metr_specification(rows)]
    out["mv_n"] = f"{len(rows):,}"
    out["mv_range"] = f"{rows['p50_min'].min():,.1f} to {rows['p50_min'].max():,.1f} min"
    if not metr.empty:
        value = float(metr["p50_min"].iloc[0])
        out["mv_metr"] = f"{value:,.1f} min"
        out["mv_percentile"] = f"{100 * (rows['p50_min'] < value).mean():.0f}th"
    change = largest_single_change_of(rows)
    if change is not None:
        out["mv_biggest"] = (f"{level_label(change['dimension'], change['level'])} "
                             f"(× {change['ratio']:.2f} against METR's choices)")
    return out


def largest_single_change_of(rows: pd.DataFrame) -> dict | None:
    """Among specifications that differ from METR's in exactly one choice, the one whose 50%
    horizon differs most (by ratio) from METR's; the chapter's one-at-a-time comparison."""
    differs = pd.DataFrame({d: ~is_metr_dimension(rows, d) for d in DIMENSION_COLUMNS})
    n_diff = differs.sum(axis=1)
    head = rows[n_diff == 0]
    single = rows[(n_diff == 1) & np.isfinite(rows["p50_min"]) & (rows["p50_min"] > 0)]
    if head.empty or single.empty:
        return None
    ratio = single["p50_min"] / float(head["p50_min"].iloc[0])
    best = np.log(ratio).abs().idxmax()
    dimension = differs.columns[differs.loc[best]][0]
    return {"dimension": dimension, "level": rows.loc[best, dimension],
            "ratio": float(ratio[best])}


def collect_answers(results_dir: str | os.PathLike, focus_models: list[str],
                    comparison_models: list[str], kernel_task: str,
                    trend_windows: list[str]) -> dict[str, str]:
    """Every phrase of the answers page, keyed by glue name (all values are text)."""
    res = read_results(results_dir, ["ablations", "influence", "multiverse", "trend",
                                     "horizons"])
    ablations = res["ablations"].astype({"variant": str, "model": str})
    focus = focus_models[0] if focus_models else ""
    comparison = comparison_models[0] if comparison_models else ""
    out = {"focus": focus or NOT_AVAILABLE, "comparison": comparison or NOT_AVAILABLE}
    out.update(rebench_answers(ablations, focus, list(comparison_models)))
    influence = res["influence"] if "ratio_to_full" in res["influence"] else pd.DataFrame(
        columns=["model", "dropped", "level", "p50_min", "ratio_to_full"])
    out.update(kernel_answers(ablations, influence, list(focus_models), kernel_task))
    out.update(hacking_answers(ablations, focus, comparison))
    out.update(noise_answers(ablations, focus, list(comparison_models)))
    out.update(trend_answers(ablations, focus, str(trend_windows[0])[:10]))
    trend = res["trend"] if "source" in res["trend"] else pd.DataFrame()
    out.update(trend_sources(trend, focus, str(trend_windows[0])[:10]))
    second = focus_models[1] if len(focus_models) > 1 else ""
    others = [focus] + ([comparison] if comparison else [])
    out.update({f"second_{k}": v for k, v in noise_answers(ablations, second, others).items()})
    multiverse = res["multiverse"] if "p50_min" in res["multiverse"] else pd.DataFrame()
    out.update(multiverse_answers(multiverse, focus))
    out["focus_second"] = second or NOT_AVAILABLE
    out["kernel_task_shown"] = kernel_task
    out["trend_excluded"] = english_list(list(focus_models), empty="the focus models")
    out["second_sentence"] = second_focus_sentence(out, second, focus, comparison)
    horizons = res["horizons"] if "horizon_min" in res["horizons"] else pd.DataFrame()
    out.update(headline_answers(horizons, ablations, focus))
    return out


def headline_answers(horizons: pd.DataFrame, ablations: pd.DataFrame, focus: str) -> dict:
    """The focus model's fitted 50% horizon (``horizons.csv``, the fit chapter's bootstrap) and
    its ratio without RE-Bench (the per-task chapter's paired bootstrap)."""
    out = {"p50_headline": NOT_AVAILABLE}
    if not horizons.empty:
        rows = horizons[(horizons["source"] == "fitted") & (horizons["p"] == 0.5)
                        & (horizons["model"].map(display_name) == focus)]
        if not rows.empty:
            row = rows.iloc[0]
            out["p50_headline"] = (phrase(row["horizon_min"], row["ci_low_min"],
                                          row["ci_high_min"], unit="min")
                                   + f" on {row['dataset']}")
    ratio = _first(_rows(ablations, "subset_fit", "ratio_to_all", "without RE-Bench", focus))
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
