"""Presentation layer: the trend chapter's sentences, built from the trend checks' numbers.

Doubling times with and without the focus models (:func:`doubling_sentences`), which horizons
the lines go through (:func:`which_horizons`) and how they relate to the run files' own fit
(:func:`fit_relation`), a model's distance from the trend (:func:`distance_sentence`), the
broken line against the single line (:func:`break_sentences`), the date a line reaches a work
month (:func:`month_sentence`), and which focus models a fit holds (:func:`focus_in_fit`,
:func:`excl_line_caption`). Nothing is computed here that
:mod:`horizonlib.analyses.trend_checks` does not already give.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.common.text import dataset_label, english_list, phrase, plural
from horizonlib.report.trend.wording import (
    bic_words,
    days_phrase,
    month_text,
    n_models,
    usable_days,
)


def doubling_sentences(doubling: pd.DataFrame, windows: Sequence, focus_present: Sequence[str],
                       confidence_level: float = 0.95) -> str:
    """The doubling-time paragraph: every window, with and without the models of interest.

    Each clause is built from the row it quotes, so a fit that cannot be made (fewer than two
    frontier models in a window, a slope that is not positive) is said in words, never as a
    placeholder in the middle of a sentence.

    Parameters
    ----------
    doubling : pandas.DataFrame
        ``doubling`` of :func:`horizonlib.analyses.trend_checks.checks.check_trend` (days).
    windows : sequence
        Window starts; the first two are described.
    focus_present : sequence of str
        Models of interest present among the horizons (the "without them" fits drop them).

    Returns
    -------
    str
        Two or more sentences, e.g. "On the frontier models released since 2019 (...), the 50%
        horizon doubles every 207 days (95% CI 168 to 238); without o3 and o4-mini, every ...".
    """
    level = f"{100 * confidence_level:.0f}% CI"
    d = doubling.set_index(["window_start", "selection"])

    def row(w, sel):
        return d.loc[(w, sel)] if (w, sel) in d.index else None

    who = english_list(list(focus_present))
    ws = [str(w)[:10] for w in list(windows)[:2]]
    sentences = []
    for i, w in enumerate(ws):
        with_, without = row(w, "frontier"), row(w, "frontier_excl_focus")
        head = (f"On the frontier models released since {w[:4]} (those that set a new best "
                "horizon when released), the 50% horizon doubles every" if i == 0
                else f"Since {w[:4]} the doubling time is")
        if not usable_days(with_):
            n = n_models(with_)
            sentences.append(
                f"Since {w[:4]}, {plural(n, 'frontier model')} "
                f"{'has' if n == 1 else 'have'} a usable horizon, too few for a doubling time"
                if n < 2 else
                f"Since {w[:4]} the line through the {n} frontier models does not rise, so it "
                "has no doubling time")
            sentences[-1] += "."
            continue
        text = f"{head} {days_phrase(with_, level)}"
        if not focus_present:
            text += " (none of the models of interest is among these horizons)."
        elif usable_days(without):
            text += (f"; without {who}, every {days_phrase(without, level)}." if i == 0 else
                     f" with {who} and {days_phrase(without, level)} without.")
        else:
            n = n_models(without)
            text += ("" if i == 0 else f" with {who}")
            text += (f"; without {who} only {plural(n, 'frontier model')} "
                     f"{'remains' if n == 1 else 'remain'}, too few for a line." if n < 2 else
                     f"; without {who} the line through the remaining {n} frontier models does "
                     "not rise.")
        sentences.append(text)
    return " ".join(sentences)


def which_horizons(source: str, point_dates: pd.Series, published: str | None = None,
                   run_datasets: Sequence[str] = ()) -> str:
    """Which horizons the trend checks rest on, said from the configuration.

    Parameters
    ----------
    source : str
        ``"published"`` or ``"fitted"``
        (:func:`horizonlib.analyses.trend_checks.samples.trend_inputs`).
    point_dates : pandas.Series
        Release date per model used (index: model names).
    published : str, optional
        Name of the published-fits dataset (when ``source == "published"``).
    run_datasets : sequence of str
        The configured run files.

    Returns
    -------
    str
        One or two sentences, e.g. "METR's published fits (published-fits-2025-06) provide
        that: 19 models released from GPT-2 (2019) to o4-mini (2025), with METR's paired
        bootstrap samples, so this chapter uses them."
    """
    dates = pd.to_datetime(point_dates).dropna().sort_values()
    n = len(dates)
    span = ""
    if n:
        first, last = dates.index[0], dates.index[-1]
        span = (f": {plural(n, 'model')} released from {first} ({dates.iloc[0].year}) to "
                f"{last} ({dates.iloc[-1].year})" if n > 1 else f": one model, {first}")
    labels = english_list([dataset_label(x) for x in run_datasets])
    files = "file" if len(run_datasets) == 1 else "files"
    if source == "published":
        return (f"METR's published fits ({published or 'configured'}) provide that{span}, with "
                "METR's paired bootstrap samples, so this chapter uses them.")
    pooled = (" and pools them, each model measured once (in the last file that holds it)"
              if len(run_datasets) > 1 else "")
    return (f"No published fits are configured, so this chapter fits the configured run {files} "
            f"({labels}) itself{pooled}{span}, with paired bootstrap replicates.")


def fit_relation(source: str, run_level: pd.DataFrame | None, windows: Sequence,
                 n_frontier: int, run_datasets: Sequence[str] = (),
                 confidence_level: float = 0.95) -> str:
    """How the fit chapter's doubling time relates to this chapter's (a verb phrase and a
    sentence following "The fit chapter (...)").

    Parameters
    ----------
    run_level : pandas.DataFrame or None
        :func:`horizonlib.analyses.trend_checks.run_level.run_level_doubling` output (computed from
        the fit
        chapter's replicates).
    n_frontier : int
        Frontier models of this chapter's long-run line.
    """
    level = f"{100 * confidence_level:.0f}% CI"
    w0 = str(list(windows)[0])[:10]
    r = None
    if run_level is not None and len(run_level):
        sel = run_level[(run_level["window_start"] == w0) & (run_level["selection"] == "frontier")]
        r = sel.iloc[0] if len(sel) else None
    if r is None or not usable_days(r):
        value = (f"No run file has enough dated frontier models for a run-level doubling time "
                 f"since {w0[:4]}.")
    else:
        value = (f"Fitted to run-level data as there ({dataset_label(r['dataset'])}, "
                 f"{plural(n_models(r), 'frontier model')}), the doubling time since {w0[:4]} "
                 f"is {days_phrase(r, level)}.")
    if source == "published":
        return ("fits the configured run files instead, each on its own, so its doubling time "
                f"rests on other models (this chapter's long-run line has {n_frontier} frontier "
                "models) and is a different estimate, not a check of this one. " + value)
    if len(run_datasets) > 1:
        return ("keeps each run file apart, while this chapter pools them, so the doubling times "
                "differ. " + value)
    return ("fits the same run file with the same bootstrap replicates, so its frontier doubling "
            "time is the one in the table below; this chapter adds the fits without the models "
            "of interest, the distance from the line and a line with a break.")


def distance_sentence(distance: pd.DataFrame, model: str, n_line_models: int,
                      confidence_level: float = 0.95) -> str:
    """How far ``model`` lies from the long-run line fitted without the models of interest.

    Returns
    -------
    str
        "Fitted to the long-run frontier without the models of interest (10 models), the line
        predicts a shorter horizon than o3 has: its horizon is 2.38 (95% CI 1.32 to 4.57) times
        the trend value. It falls at or below the line in 0.1% of the 970 usable replicates (a
        one-sided bootstrap p-value)."; a plain statement when the model has no horizon here.
    """
    level = f"{100 * confidence_level:.0f}% CI"
    dist = distance.set_index("model")
    if model not in dist.index:
        return (f"{model} has no horizon among those used here, so its distance from the trend "
                "cannot be measured.")
    r = dist.loc[model]
    word = "shorter" if r["ratio"] >= 1 else "longer"
    ratio = phrase(r["ratio"], r["ci_low"], r["ci_high"], digits=2, level=level)
    return (f"Fitted to the long-run frontier without the models of interest "
            f"({plural(n_line_models, 'model')}), the line predicts a {word} horizon than {model} "
            f"has: its horizon is {ratio} times the trend value. It falls at or below the line in "
            f"{100 * r['p_value']:.1f}% of the {int(r['n_replicates']):,} usable replicates (a "
            "one-sided bootstrap p-value).")


def break_sentences(broken: dict, confidence_level: float = 0.95) -> str:
    """The broken-line paragraph: BIC comparison, the break's date and its precision, the
    doubling times before and after it."""
    level = f"{100 * confidence_level:.0f}% CI"
    dbic = broken["delta_bic"]
    text = (f"A continuous line with one break, its date searched on a grid, against a single "
            f"line, on the {int(broken['n'])} long-run frontier models: the BIC difference (single "
            "minus broken; positive favours the break) ")
    if not np.isfinite(dbic):
        return text + "cannot be computed."
    text += f"is {dbic:.1f}".replace("-", "−") + f", which {bic_words(dbic)}. "
    lo, hi = broken["tau_ci"]
    span = ((pd.Timestamp(hi) - pd.Timestamp(lo)).days if "n/a" not in (lo, hi) else np.nan)
    text += f"The best break falls in {month_text(broken['tau_date'])}"
    if np.isfinite(span):
        precision = ("poorly determined" if span > 365 else
                     f"determined to within about {max(1, round(span / 30.44))} months")
        text += (f"; its {level} runs from {month_text(lo)} to {month_text(hi)}, so its date is "
                 f"{precision}.")
    else:
        text += "."
    before, after = broken["doubling_before_days"], broken["doubling_after_days"]
    seg = []
    for name, v in (("before it", before), ("after it", after)):
        seg.append(f"{v:,.0f} days {name}" if np.isfinite(v) and v > 0 else
                   f"no doubling {name} (the segment does not rise)")
    text += f" The doubling time is {seg[0]} and {seg[1]} (intervals in the table above)."
    text += (f" The break is preferred by BIC in {100 * broken['share_break_preferred']:.0f}% of "
             "the bootstrap replicates.")
    if dbic < 6:
        text += (" With this few points, a faster recent trend and a single line with scatter "
                 "are hard to tell apart.")
    return text


def month_sentence(month: pd.DataFrame, window: str, confidence_level: float = 0.95,
                   target_text: str = "a 167-hour horizon (10,020 min)") -> str:
    """When the single line and the broken line since ``window`` reach the target horizon."""
    level = f"{100 * confidence_level:.0f}% CI"
    w0 = str(window)[:10]
    m = month.set_index(["fit", "window_start"]) if len(month) else None
    parts = []
    for name, fit in (("the single line", "frontier"), ("the broken line", "broken_line")):
        r = m.loc[(fit, w0)] if m is not None and (fit, w0) in m.index else None
        if r is None or not np.isfinite(r["year"]):
            parts.append(f"{name} never reaches it (it does not rise)")
        elif np.isfinite(r["ci_low_year"]) and np.isfinite(r["ci_high_year"]):
            parts.append(f"{name} reaches it in {month_text(r['year'])} ({level} "
                         f"{month_text(r['ci_low_year'])} to {month_text(r['ci_high_year'])})")
        else:
            parts.append(f"{name} reaches it in {month_text(r['year'])}")
    return (f"Extrapolated from the fits since {w0[:4]} to {target_text}, {parts[0]}; "
            f"{parts[1]}.")


def focus_in_fit(focus_models: Sequence[str], present: Sequence[str],
                 frontier: Sequence[str]) -> str:
    """Which models of interest the lines are fitted to (a sentence for the figure caption)."""
    frontier = set(frontier)
    inside = [m for m in focus_models if m in frontier]
    outside = [m for m in present if m not in frontier]
    absent = [m for m in focus_models if m not in set(present)]
    parts = []
    if inside:
        one = len(inside) == 1
        verb = "is a frontier model" if one else "are frontier models"
        parts.append(f"{english_list(inside)} {verb}, so the solid and dash-dotted lines are "
                     f"fitted to {'it' if one else 'them'} too")
    if outside:
        parts.append(f"{english_list(outside)} did not set a new best horizon when released, so "
                     "no line is fitted to " + ("it" if len(outside) == 1 else "them"))
    if absent:
        parts.append(f"{english_list(absent)} {'has' if len(absent) == 1 else 'have'} no horizon "
                     "here")
    return ("; ".join(parts) + ".") if parts else "No models of interest are configured."


def excl_line_caption(res: dict) -> str:
    """Caption words for the long-run line without the models of interest."""
    if res.get("excl_line") is None:
        return ("No line without the models of interest is drawn: none of them has a horizon "
                "here, or too few frontier models remain without them.")
    return ("Dashed green: the long-run line fitted without the models of interest, against which "
            "their distance from the trend is measured.")
