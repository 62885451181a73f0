"""Presentation layer: the noise chapter's sentences and display tables, from horizonlib.analyses.noise's
results.

Job: turn the tables of :mod:`horizonlib.analyses.noise` into what the chapter shows and quotes: every
value of the prose (:func:`noise_glue`), the sentences built from the numbers
(:func:`pair_sentences`, :func:`separation_sentences`, :func:`missing_summary`), the figure
caption's sources (:func:`figure_sources`) and the pair table (:func:`pair_display`). Nothing is
computed here that the analyses module does not already give; :mod:`horizonlib.analyses.noise` never
imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.noise.replicates import LEVELS
from horizonlib.common.text import NOT_AVAILABLE, dataset_label, english_list, format_number, phrase


METRIC_LABELS = {"p50_ratio": "ratio of 50% horizons",
                 "rebench_diff": "RE-Bench mean difference, all tasks",
                 "rebench_diff_no_kernel": "RE-Bench mean difference, without the kernel task"}


def source_label(source: str) -> str:
    """Readable data source: ``"runs:th-1-1-8-models"`` -> ``"run data (Time Horizon 1.1)"``,
    ``"published"`` -> ``"METR's published bootstrap"``."""
    if str(source).startswith("runs:"):
        return f"run data ({dataset_label(str(source).split(':', 1)[1])})"
    if source == "published":
        return "METR's published bootstrap"
    return str(source)


def pair_display(table: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The chapter's pair table as text: one row per pair, statistic and source.

    Returns
    -------
    pandas.DataFrame
        Columns ``pair`` ("o3 vs Claude 3.7 Sonnet"), ``statistic`` (readable), ``estimate
        (95% CI)`` (ratios with 2 decimals, score differences with 3), ``first model ahead in``
        (share of bootstrap replicates, in %), ``replicates`` and ``source`` (readable).
    """
    level = f"{100 * confidence_level:.0f}% CI"
    cols = ["pair", "statistic", f"estimate ({level})", "first model ahead in", "replicates",
            "source"]
    out = pd.DataFrame({
        "pair": table["model_a"].astype(str) + " vs " + table["model_b"].astype(str),
        "statistic": table["metric"].map(lambda m: METRIC_LABELS.get(m, m)),
        f"estimate ({level})": [
            phrase(r.estimate, r.ci_low, r.ci_high, digits=2 if r.metric == "p50_ratio" else 3,
                   level=level) for r in table.itertuples()],
        "first model ahead in": [f"{100 * v:.1f}% of replicates" if np.isfinite(v) else "—"
                                 for v in table["p_positive"]],
        "replicates": [f"{int(v):,}" for v in table["n_replicates"]],
        "source": table["source"].map(source_label),
    }, columns=cols)
    return out


def _stat(table: pd.DataFrame, a: str, b: str, metric: str,
          source: str | None = None):
    rows = table[(table["model_a"] == a) & (table["model_b"] == b) & (table["metric"] == metric)]
    if source == "published":
        rows = rows[rows["source"] == "published"]
    elif source == "runs":
        rows = rows[rows["source"].astype(str).str.startswith("runs:")]
    return rows.iloc[0] if len(rows) else None


def missing_summary(table: pd.DataFrame, missing: list[str]) -> str:
    """The pairs without common run data, grouped by first model, in a few sentences.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`horizonlib.analyses.noise.pairs.compare_pairs` output.
    missing : list of str
        Its second return value (one sentence per pair lacking common run data).
    """
    runs_pairs = set(zip(table.loc[table["source"].astype(str).str.startswith("runs:"), "model_a"],
                         table.loc[table["source"].astype(str).str.startswith("runs:"), "model_b"]))
    pub = table[(table["source"] == "published") & (table["metric"] == "p50_ratio")]
    keep = np.array([p not in runs_pairs for p in zip(pub["model_a"], pub["model_b"])], dtype=bool)
    pub_only = pub.loc[keep]
    sentences = []
    for a, group in pub_only.groupby("model_a", sort=False):
        sentences.append(
            f"{a} shares no run data with {english_list(list(group['model_b']))}, so "
            f"{'that pair has' if len(group) == 1 else 'those pairs have'} no RE-Bench "
            "difference; the horizon ratio comes from METR's published bootstrap samples.")
    sentences += [m for m in missing if "no common run data, so" not in m]
    return " ".join(sentences) if sentences else "none: every pair has common run data."


def _interval_text(row, digits: int) -> str:
    return (f"{format_number(row['ci_low'], digits)} to {format_number(row['ci_high'], digits)}")


def _side(low: float, high: float, null: float) -> str:
    """Where an interval lies relative to ``null``: "lies above", "lies below" or "spans"."""
    if low > null:
        return "lies above"
    if high < null:
        return "lies below"
    return "spans"


def pair_sentences(table: pd.DataFrame, a: str, b: str, n_bootstrap: int,
                   confidence_level: float = 0.95,
                   published_configured: bool | None = None) -> str:
    """The prose for one pair: horizon ratio with its source, METR's published ratio beside
    it, and the RE-Bench differences, each clause present only when its number exists.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`horizonlib.analyses.noise.pairs.compare_pairs` output.
    a, b : str
        The pair (first model, second model).
    n_bootstrap : int
        Replicates of the run-data bootstrap (for the text).
    published_configured : bool, optional
        Whether METR's published samples were given (then a pair they lack is said to be
        missing from them); default: whether ``table`` has any published row.

    Returns
    -------
    str
        E.g. "For o3 against o1-preview, the ratio of 50% horizons is 6.22 (95% CI 3.43 to
        12.15) from run data (Time Horizon 1.1); o3's horizon is longer in 100.0% of 1,000
        paired replicates. METR's published bootstrap gives 5.05 (95% CI 2.82 to 10.91) for the
        same pair. Their RE-Bench means differ by 0.395 (...) in normalized score (positive in
        98.8% of replicates) and, without the kernel task, by 0.295 (...)."
    """
    level = f"{100 * confidence_level:.0f}% CI"
    if published_configured is None:
        published_configured = bool((table["source"] == "published").any())
    ratio = _stat(table, a, b, "p50_ratio")
    pub = _stat(table, a, b, "p50_ratio", source="published")
    if ratio is None:
        return (f"{a} and {b} share no run data and have no published bootstrap samples "
                "together, so they are not compared here.")
    text = (f"For {a} against {b}, the ratio of 50% horizons is "
            f"{phrase(ratio['estimate'], ratio['ci_low'], ratio['ci_high'], digits=2, level=level)}"
            f" from {source_label(ratio['source'])}")
    if np.isfinite(ratio["p_positive"]):
        n = (f"{int(n_bootstrap):,} paired replicates" if str(ratio["source"]).startswith("runs:")
             else f"{int(ratio['n_replicates']):,} published replicates")
        text += f"; {a}'s horizon is longer in {100 * ratio['p_positive']:.1f}% of {n}"
    text += "."
    if str(ratio["source"]).startswith("runs:"):
        if pub is not None:
            value = phrase(pub["estimate"], pub["ci_low"], pub["ci_high"], digits=2, level=level)
            text += f" METR's published bootstrap gives {value} for the same pair."
        elif published_configured:
            text += " METR's published samples do not include this pair."
    d = _stat(table, a, b, "rebench_diff")
    k = _stat(table, a, b, "rebench_diff_no_kernel")
    if d is None:
        text += " They share no RE-Bench runs, so their RE-Bench means are not compared."
    else:
        text += (f" Their RE-Bench means differ by "
                 f"{phrase(d['estimate'], d['ci_low'], d['ci_high'], digits=3, level=level)} in "
                 f"normalized score (positive in {100 * d['p_positive']:.1f}% of replicates)")
        if k is not None:
            text += (", and without the kernel task by "
                     f"{phrase(k['estimate'], k['ci_low'], k['ci_high'], digits=3, level=level)}")
        text += "."
    return text


def separation_sentences(table: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> str:
    """Whether each pair's RE-Bench interval and horizon-ratio interval separate the models,
    read off the numbers (never a fixed claim).

    Returns
    -------
    str
        One sentence per pair with a run-data RE-Bench difference, e.g. "For o3 against
        o1-preview the interval of the RE-Bench difference lies above zero (0.040 to 0.737);
        that of the horizon ratio, from every task, lies above 1 (3.43 to 12.15).", then a
        summary of how many pairs RE-Bench alone cannot separate.
    """
    sentences, unresolved, resolved_by_ratio = [], 0, 0
    for a, b in dict.fromkeys(pairs):
        d = _stat(table, a, b, "rebench_diff", source="runs")
        if d is None:
            continue
        r = _stat(table, a, b, "p50_ratio", source="runs")
        side_d = _side(d["ci_low"], d["ci_high"], 0.0)
        text = (f"For {a} against {b} the interval of the RE-Bench difference "
                f"{side_d} zero ({_interval_text(d, 3)})")
        if r is not None:
            side_r = _side(r["ci_low"], r["ci_high"], 1.0)
            text += (f"; that of the horizon ratio, from every task, {side_r} 1 "
                     f"({_interval_text(r, 2)})")
            if side_d == "spans" and side_r != "spans":
                resolved_by_ratio += 1
        unresolved += side_d == "spans"
        sentences.append(text + ".")
    if not sentences:
        return "No pair has RE-Bench runs of both models, so only horizon ratios are compared."
    n = len(sentences)
    if unresolved == 0:
        summary = ("Here even the handful of RE-Bench tasks separates "
                   + ("the two models." if n == 1 else f"the models of every pair ({n})."))
    else:
        which = ("the two models" if n == 1 else
                 ("the models of either pair" if n == 2 else f"the models of any of the {n} pairs")
                 if unresolved == n else f"the models of {unresolved} of the {n} pairs")
        summary = f"The handful of RE-Bench tasks cannot separate {which}"
        if resolved_by_ratio == unresolved:
            summary += (", which the horizon ratio does separate." if unresolved == 1 else
                        ", all of which the horizon ratio does separate.")
        elif resolved_by_ratio:
            summary += f"; the horizon ratio separates {resolved_by_ratio} of them."
        else:
            summary += "."
    return " ".join(sentences) + " " + summary


def figure_sources(table: pd.DataFrame) -> str:
    """The caption's description of the horizon-ratio sources actually drawn."""
    kinds = set(np.where(table["source"].astype(str).str.startswith("runs:"), "runs",
                         table["source"].astype(str)))
    parts = []
    if "runs" in kinds:
        parts.append("from common run data (blue circles)")
    if "published" in kinds:
        parts.append("from METR's published paired bootstrap samples (purple squares), which "
                     "also cover models without common run data")
    if not parts:
        return "no pair could be compared"
    text = " and ".join(parts)
    if "published" not in kinds:
        text += "; no published bootstrap samples are configured"
    return text


def noise_glue(table: pd.DataFrame, widths: pd.DataFrame | None, width_pair,
               focus_models, comparison_models, missing: list[str],
               confidence_level: float = 0.95, n_bootstrap: int = 1000,
               published_configured: bool | None = None) -> dict[str, str]:
    """Every value the noise chapter's prose shows, as text.

    The first focus model is compared with the first (``1``) and last (``2``) comparison
    model. Ratios have 2 decimals, RE-Bench differences 3 (normalized score), shares are in %.
    Values a configured edition cannot provide are :data:`horizonlib.report.answers.NOT_AVAILABLE`.

    Returns
    -------
    dict of str to str
        ``nz_missing, nz_level, nz_n_boot, nz_a, nz_b, nz_c``; for ``i`` in 1, 2:
        ``nz_r{i}`` (ratio with CI), ``nz_r{i}_p`` (share of replicates with ratio > 1),
        ``nz_r{i}_src`` (its source), ``nz_r{i}_pub`` (the same ratio from METR's published
        bootstrap), ``nz_d{i}``, ``nz_d{i}_p``, ``nz_k{i}`` (RE-Bench differences with CIs);
        ``nz_w_pair`` and ``nz_w_{ratio,diff}_{family,task,run}`` (variance shares, %);
        whole sentences built from the numbers: ``nz_pairs_text`` (:func:`pair_sentences` for
        the first focus model against each comparison model), ``nz_separation``
        (:func:`separation_sentences` over every pair) and ``nz_fig_sources``
        (:func:`figure_sources`).
    """
    level = f"{100 * confidence_level:.0f}% CI"
    focus = focus_models[0] if len(focus_models) else NOT_AVAILABLE
    comps = list(comparison_models) or [NOT_AVAILABLE]
    out = {"nz_missing": missing_summary(table, missing),
           "nz_level": level, "nz_n_boot": f"{int(n_bootstrap):,}",
           "nz_a": focus, "nz_b": comps[0], "nz_c": comps[-1]}
    for i, other in ((1, comps[0]), (2, comps[-1])):
        ratio = _stat(table, focus, other, "p50_ratio")
        pub = _stat(table, focus, other, "p50_ratio", source="published")
        out[f"nz_r{i}"] = (NOT_AVAILABLE if ratio is None else
                           phrase(ratio["estimate"], ratio["ci_low"], ratio["ci_high"], digits=2,
                                  level=level))
        out[f"nz_r{i}_p"] = (NOT_AVAILABLE if ratio is None or not np.isfinite(ratio["p_positive"])
                             else f"{100 * ratio['p_positive']:.1f}%")
        out[f"nz_r{i}_src"] = NOT_AVAILABLE if ratio is None else source_label(ratio["source"])
        out[f"nz_r{i}_pub"] = (NOT_AVAILABLE if pub is None else
                               phrase(pub["estimate"], pub["ci_low"], pub["ci_high"], digits=2,
                                      level=level))
        for tag, metric in (("d", "rebench_diff"), ("k", "rebench_diff_no_kernel")):
            row = _stat(table, focus, other, metric)
            out[f"nz_{tag}{i}"] = (NOT_AVAILABLE if row is None else
                                   phrase(row["estimate"], row["ci_low"], row["ci_high"],
                                          digits=3, level=level))
            out[f"nz_{tag}{i}_p"] = (NOT_AVAILABLE if row is None
                                     else f"{100 * row['p_positive']:.1f}%")
    others = list(dict.fromkeys(c for c in comparison_models if c != focus))
    out["nz_pairs_text"] = (" ".join(pair_sentences(table, focus, c, n_bootstrap,
                                                    confidence_level, published_configured)
                                     for c in others)
                            if len(focus_models) and others else
                            "No pair of a model of interest and a comparison model is "
                            "configured.")
    out["nz_separation"] = separation_sentences(
        table, list(zip(table["model_a"], table["model_b"])))
    out["nz_fig_sources"] = figure_sources(table)
    out["nz_w_pair"] = (NOT_AVAILABLE if width_pair is None
                        else f"{width_pair[0]} vs {width_pair[1]}")
    shares = (widths.set_index(["metric", "levels"])["share"] if widths is not None
              else pd.Series(dtype=float))
    for name, metric in (("ratio", "p50_ratio"), ("diff", "rebench_diff")):
        for lev in LEVELS:
            v = shares.get((metric, lev), np.nan)
            out[f"nz_w_{name}_{lev}"] = f"{100 * v:.0f}%" if np.isfinite(v) else NOT_AVAILABLE
    return out
