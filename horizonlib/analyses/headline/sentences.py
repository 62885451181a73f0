"""The horizon fit chapter's generated sentences (analyses layer).

Failed fits, degenerate bootstrap replicates, extrapolated horizons and the reproduction of
METR's published horizons, each as one sentence grammatical for any number of models.
"""

from __future__ import annotations

import pandas as pd

from horizonlib.common.text import english_list, plural


def fit_sentences(fits: pd.DataFrame, horizons: pd.DataFrame, extrapolated: pd.DataFrame,
                  reproduction: pd.DataFrame) -> dict[str, str]:
    """The fit chapter's generated sentences, grammatical for any number of models.

    Returns
    -------
    dict with ``failed_fits``, ``degenerate``, ``extrapolated`` and ``reproduction`` sentences.
    """
    failed = fits[fits["status"] != "ok"]
    names = [f"{r.alias} ({r.status.replace('_', ' ')})" for r in failed.itertuples()]
    out = {"failed_fits": (
        "Every model's fit produced a horizon." if failed.empty else
        f"{plural(len(failed), 'model')} had no successes or no failures at all and "
        f"{'has' if len(failed) == 1 else 'have'} no horizon: {english_list(names)}.")}
    p50 = horizons[horizons["p"] == horizons["p"].min()]
    bad = p50[p50["failed_replicates"] > 0]
    out["degenerate"] = (
        "No replicate left a model without successes or failures." if bad.empty else
        "Replicates in which a model has no successes or no failures are not used for its "
        f"interval but are counted: {plural(int(bad['failed_replicates'].sum()), 'replicate')} "
        f"over {plural(len(bad), 'model')} ("
        + english_list([f"{r.model}: {int(r.failed_replicates):,}" for r in bad.itertuples()])
        + ").")
    out["extrapolated"] = (
        "Every 50% horizon lies within the task lengths its model ran." if extrapolated.empty
        else f"{plural(len(extrapolated), 'model')} "
        f"{'has' if len(extrapolated) == 1 else 'have'} a 50% horizon shorter than the "
        f"shortest task {'it' if len(extrapolated) == 1 else 'they'} ran ("
        + english_list([f"{r.alias}, {r.dataset}" for r in extrapolated.itertuples()])
        + "): that number is the curve extrapolated beyond the data, and its interval, "
        "spanning many orders of magnitude, says so.")
    n = reproduction[["dataset", "model"]].drop_duplicates().shape[0]
    out["reproduction"] = (
        "None of the configured run files is one METR published horizons for, so there is "
        "nothing to reproduce in this edition." if n == 0 else
        f"{plural(n, 'model')} {'is' if n == 1 else 'are'} matched: the replay agrees with "
        f"every published horizon to within "
        f"{100 * reproduction['replay_rel_diff'].abs().max():.5f}%, the exact optimum to within "
        f"{100 * reproduction['exact_rel_diff'].abs().max():.3f}%. The book reports the exact "
        "optimum; the difference is METR's solver stopping early, and is far smaller than any "
        "interval.")
    return out
