"""Presentation layer: the trend chapter's sentences and display tables, from
horizonlib.analyses.trend_checks's results.

Job: turn the results of :mod:`horizonlib.analyses.trend_checks` into what the chapter shows and quotes:
every value of the prose (:func:`trend_glue`), the sentences built from the numbers
(:func:`doubling_sentences`, :func:`which_horizons`, :func:`fit_relation`,
:func:`distance_sentence`, :func:`break_sentences`, :func:`month_sentence`,
:func:`focus_in_fit`, :func:`excl_line_caption`) and the tables (:func:`doubling_display`,
:func:`distance_display`, :func:`month_display`). Nothing is computed here that the analyses
module does not already give; :mod:`horizonlib.analyses.trend_checks` never imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, dataset_label, english_list, month_of, phrase, plural
from horizonlib.analyses.trend_checks.lines import day_to_year


SELECTION_LABELS = {"frontier": "frontier models",
                    "frontier_excl_focus": "frontier models without the models of interest",
                    "broken_before": "broken line, before the break",
                    "broken_after": "broken line, after the break",
                    "broken_line": "broken line"}


def month_text(value) -> str:
    """Month and year of a day number since 1970-01-01, a decimal year or an ISO date
    (``"July 2029"``; values below 3000 are years, larger ones day numbers); "n/a" when not
    finite."""
    if isinstance(value, str):
        if value in ("", "n/a"):
            return "n/a"
        return pd.Timestamp(value).strftime("%B %Y")
    if value is None or not np.isfinite(value):
        return "n/a"
    return month_of(value if abs(value) < 3000 else day_to_year(value))


def _days_phrase(row, level: str) -> str:
    if row is None:
        return NOT_AVAILABLE
    return phrase(row["doubling_days"], row["ci_low_days"], row["ci_high_days"], unit="days",
                  digits=0, level=level)


def bic_words(delta_bic: float) -> str:
    """Kass and Raftery's reading of a BIC difference (single minus broken line)."""
    if not np.isfinite(delta_bic):
        return "cannot be judged"
    if delta_bic <= 0:
        return "favours the single line"
    if delta_bic < 2:
        return "is barely worth mentioning (below 2)"
    if delta_bic < 6:
        return "is only weak evidence for a break (positive but below 6, the usual bar for strong)"
    if delta_bic < 10:
        return "is strong evidence for a break (6 to 10)"
    return "is very strong evidence for a break (above 10)"


def _usable_days(row) -> bool:
    """A doubling-time row with a finite, positive estimate."""
    return (row is not None and np.isfinite(float(row["doubling_days"]))
            and float(row["doubling_days"]) > 0)


def _n_models(row) -> int:
    return 0 if row is None else len([m for m in str(row["models"]).split(";") if m])


def doubling_sentences(doubling: pd.DataFrame, windows: Sequence, focus_present: Sequence[str],
                       confidence_level: float = 0.95) -> str:
    """The doubling-time paragraph: every window, with and without the models of interest.

    Each clause is built from the row it quotes, so a fit that cannot be made (fewer than two
    frontier models in a window, a slope that is not positive) is said in words, never as a
    placeholder in the middle of a sentence.

    Parameters
    ----------
    doubling : pandas.DataFrame
        ``doubling`` of :func:`horizonlib.analyses.trend_checks.checks.trend_tests` (days).
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
        if not _usable_days(with_):
            n = _n_models(with_)
            sentences.append(
                f"Since {w[:4]}, {plural(n, 'frontier model')} "
                f"{'has' if n == 1 else 'have'} a usable horizon, too few for a doubling time"
                if n < 2 else
                f"Since {w[:4]} the line through the {n} frontier models does not rise, so it "
                "has no doubling time")
            sentences[-1] += "."
            continue
        text = f"{head} {_days_phrase(with_, level)}"
        if not focus_present:
            text += " (none of the models of interest is among these horizons)."
        elif _usable_days(without):
            text += (f"; without {who}, every {_days_phrase(without, level)}." if i == 0 else
                     f" with {who} and {_days_phrase(without, level)} without.")
        else:
            n = _n_models(without)
            text += ("" if i == 0 else f" with {who}")
            text += (f"; without {who} only {plural(n, 'frontier model')} "
                     f"{'remains' if n == 1 else 'remain'}, too few for a line." if n < 2 else
                     f"; without {who} the line through the remaining {n} frontier models does "
                     "not rise.")
        sentences.append(text)
    return " ".join(sentences)


def which_horizons(source: str, point_dates: pd.Series, published: str | None = None,
                   run_datasets: Sequence[str] = ()) -> str:
    """Which horizons the trend tests rest on, said from the configuration.

    Parameters
    ----------
    source : str
        ``"published"`` or ``"fitted"`` (:func:`horizonlib.analyses.trend_checks.samples.trend_inputs`).
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
        :func:`horizonlib.analyses.trend_checks.run_level.run_level_doubling` output (computed from the fit
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
    if r is None or not _usable_days(r):
        value = (f"No run file has enough dated frontier models for a run-level doubling time "
                 f"since {w0[:4]}.")
    else:
        value = (f"Fitted to run-level data as there ({dataset_label(r['dataset'])}, "
                 f"{plural(_n_models(r), 'frontier model')}), the doubling time since {w0[:4]} "
                 f"is {_days_phrase(r, level)}.")
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


def trend_glue(res: dict, windows: Sequence, focus_models: Sequence[str], source: str,
               run_level: pd.DataFrame | None = None,
               confidence_level: float = 0.95, published: str | None = None,
               run_datasets: Sequence[str] = ()) -> dict[str, str]:
    """Every value the trend chapter's prose shows, as text with units.

    Parameters
    ----------
    res : dict
        :func:`horizonlib.analyses.trend_checks.checks.trend_tests` output.
    windows : sequence
        Window starts (the first is the long-run window).
    focus_models : sequence of str
        Models of interest (the first is discussed in the prose).
    source : str
        ``"published"`` or ``"fitted"`` (:func:`horizonlib.analyses.trend_checks.samples.trend_inputs`).
    run_level : pandas.DataFrame, optional
        :func:`horizonlib.analyses.trend_checks.run_level.run_level_doubling` output (the run-level doubling time
        shown beside).
    published : str, optional
        Name of the configured published-fits dataset.
    run_datasets : sequence of str
        The configured run files.

    Returns
    -------
    dict of str to str
        The same keys whatever the data: doubling times as "207 days (95% CI 168 to 238)",
        dates as "July 2029", shares in %, and whole sentences (``tr_which``,
        ``tr_fit_relation``, ``tr_doubling_text``, ``tr_distance_text``, ``tr_break_text``,
        ``tr_month_text``, ``tr_focus_in_fit``, ``tr_excl_line``) built from the numbers.
    """
    level = f"{100 * confidence_level:.0f}% CI"
    w0, w1 = (str(w)[:10] for w in list(windows)[:2])
    d = res["doubling"].set_index(["window_start", "selection"])

    def row(w, sel):
        return d.loc[(w, sel)] if (w, sel) in d.index else None

    out = {"tr_w0": w0[:4], "tr_w1": w1[:4], "tr_level": level,
           "tr_missing": english_list(res["missing"]),
           "tr_models_interest": english_list(list(focus_models))}
    for tag, (w, sel) in {"a": (w0, "frontier"), "b": (w0, "frontier_excl_focus"),
                          "c": (w1, "frontier"), "d": (w1, "frontier_excl_focus"),
                          "pre": (w0, "broken_before"), "post": (w0, "broken_after")}.items():
        out[f"tr_{tag}"] = _days_phrase(row(w, sel), level)
    if source == "published":
        out["tr_source"] = (f"METR's published fits ({published or 'configured'}) and METR's "
                            "published paired bootstrap samples")
    else:
        out["tr_source"] = ("horizons fitted to the configured run files, with their paired "
                            "bootstrap (no published fits are configured)")
    dates = res.get("dates")
    if dates is None:
        dates = pd.Series(dtype="datetime64[ns]")
    out["tr_which"] = which_horizons(source, dates, published, run_datasets)
    out["tr_fit_relation"] = fit_relation(source, run_level, windows, len(res["frontier"]),
                                          run_datasets, confidence_level)
    out["tr_doubling_text"] = doubling_sentences(res["doubling"], windows, res["present"],
                                                 confidence_level)
    top = focus_models[0] if len(focus_models) else NOT_AVAILABLE
    dist = res["distance"].set_index("model")
    out["tr_focus"] = top
    n_total = res.get("n_total_replicates", np.nan)
    if top in dist.index:
        r = dist.loc[top]
        out["tr_ratio"] = phrase(r["ratio"], r["ci_low"], r["ci_high"], digits=2, level=level)
        out["tr_pval"] = (f"{100 * r['p_value']:.1f}% of the {int(r['n_replicates']):,} usable "
                          "replicates")
    else:
        out["tr_ratio"] = out["tr_pval"] = NOT_AVAILABLE
    excl = res.get("excl_line")
    out["tr_distance_text"] = distance_sentence(
        res["distance"], top, len(excl["models"]) if excl else 0, confidence_level)
    dropped = res.get("dropped", pd.Series(dtype=int))
    usable = int(res["broken"].get("n_replicates", n_total))
    if np.isfinite(n_total) and usable < n_total:
        who = english_list([f"{m} ({int(c):,})" for m, c in dropped.items()])
        out["tr_dropped"] = (
            f"{int(n_total) - usable:,} of the {int(n_total):,} bootstrap replicates are left "
            "out of the tests on the long-run frontier because in them the 50% horizon of at "
            "least one fitted model is missing or below 0.001 min (METR's floor for a usable "
            f"fit); replicates lost per model: {who}.")
    else:
        out["tr_dropped"] = "Every bootstrap replicate is usable."
    b = res["broken"]
    out["tr_dbic"] = (f"{b['delta_bic']:.1f}".replace("-", "−") if np.isfinite(b["delta_bic"])
                      else NOT_AVAILABLE)
    out["tr_bic_words"] = bic_words(b["delta_bic"])
    out["tr_tau"] = month_text(b["tau_date"])
    out["tr_tau_ci"] = f"{level} {month_text(b['tau_ci'][0])} to {month_text(b['tau_ci'][1])}"
    out["tr_break_share"] = f"{100 * b['share_break_preferred']:.0f}%"
    out["tr_n_frontier"] = f"{int(b['n'])}"
    out["tr_break_text"] = break_sentences(b, confidence_level)
    out["tr_focus_in_fit"] = focus_in_fit(focus_models, res["present"], res["frontier"])
    out["tr_excl_line"] = excl_line_caption(res)
    m = res["month"].set_index(["fit", "window_start"]) if len(res["month"]) else None
    for tag, fit in (("a", "frontier"), ("br", "broken_line")):
        if m is not None and (fit, w0) in m.index:
            r = m.loc[(fit, w0)]
            out[f"tr_month_{tag}"] = (f"{month_text(r['year'])} ({level} "
                                      f"{month_text(r['ci_low_year'])} to "
                                      f"{month_text(r['ci_high_year'])})")
        else:
            out[f"tr_month_{tag}"] = NOT_AVAILABLE
    out["tr_month_text"] = month_sentence(res["month"], w0, confidence_level)
    return out


def doubling_display(doubling: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The doubling-time table as text: window, fit, number of models, days with CI."""
    level = f"{100 * confidence_level:.0f}% CI"
    return pd.DataFrame({
        "since": [str(w)[:4] for w in doubling["window_start"]],
        "fit": doubling["selection"].map(lambda s: SELECTION_LABELS.get(s, s)),
        "models": [len([m for m in str(v).split(";") if m]) for v in doubling["models"]],
        f"doubling time ({level})": [
            _days_phrase(r, level) if _usable_days(r) else
            ("too few models for a line" if _n_models(r) < 2 else "no rising line")
            for _, r in doubling.iterrows()],
    })


def distance_display(distance: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The distance-from-trend table as text."""
    level = f"{100 * confidence_level:.0f}% CI"
    return pd.DataFrame({
        "model": distance["model"],
        f"horizon / trend ({level})": [phrase(r.ratio, r.ci_low, r.ci_high, digits=2,
                                              level=level) for r in distance.itertuples()],
        "doublings above the line": [f"{v:.2f}" for v in distance["log2_distance"]],
        "trend's horizon at its release": [f"{v:,.1f} min" for v in distance["predicted_min"]],
        "replicates at or below the line": [f"{100 * r.p_value:.1f}% of {r.n_replicates:,}"
                                            for r in distance.itertuples()],
    })


def month_display(month: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """When each fit reaches one work month, as month and year with the interval."""
    level = f"{100 * confidence_level:.0f}% CI"
    cols = ["since", "fit", "reaches one work month", level, "replicates never reaching it"]
    if month.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "since": [str(w)[:4] for w in month["window_start"]],
        "fit": month["fit"].map(lambda s: SELECTION_LABELS.get(s, s)),
        "reaches one work month": [month_text(v) for v in month["year"]],
        level: [f"{month_text(a)} to {month_text(b)}"
                for a, b in zip(month["ci_low_year"], month["ci_high_year"])],
        "replicates never reaching it": [f"{int(v):,}" for v in month["never_reached"]],
    }, columns=cols)
