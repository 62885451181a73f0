"""Presentation layer: every value the trend chapter's prose quotes, as one dict for ``glue``.

:func:`trend_glue` turns the results of
:func:`horizonlib.analyses.trend_checks.checks.check_trend` (and the run-level doubling times)
into text, using the sentences of :mod:`horizonlib.report.trend.sentences`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE, english_list, phrase
from horizonlib.report.trend.sentences import (
    break_sentences,
    distance_sentence,
    doubling_sentences,
    excl_line_caption,
    fit_relation,
    focus_in_fit,
    month_sentence,
    which_horizons,
)
from horizonlib.report.trend.wording import bic_words, days_phrase, month_text


def trend_glue(res: dict, windows: Sequence, focus_models: Sequence[str], source: str,
               run_level: pd.DataFrame | None = None,
               confidence_level: float = 0.95, published: str | None = None,
               run_datasets: Sequence[str] = ()) -> dict[str, str]:
    """Every value the trend chapter's prose shows, as text with units.

    Parameters
    ----------
    res : dict
        :func:`horizonlib.analyses.trend_checks.checks.check_trend` output.
    windows : sequence
        Window starts (the first is the long-run window).
    focus_models : sequence of str
        Models of interest (the first is discussed in the prose).
    source : str
        ``"published"`` or ``"fitted"``
        (:func:`horizonlib.analyses.trend_checks.samples.trend_inputs`).
    run_level : pandas.DataFrame, optional
        :func:`horizonlib.analyses.trend_checks.run_level.run_level_doubling` output (the run-level
        doubling time
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
        out[f"tr_{tag}"] = days_phrase(row(w, sel), level)
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
