"""Tests of horizonlib.analyses.headline.sentences: the fit chapter's sentences for any count."""

import pandas as pd

from horizonlib.analyses.headline import sentences as headline_sentences


def test_fit_sentences_are_grammatical_for_any_count():
    fits = pd.DataFrame(dict(alias=["a", "b"], status=["ok", "no_successes"]))
    horizons = pd.DataFrame(dict(model=["a", "b"], p=0.5, failed_replicates=[0, 1000]))
    empty = pd.DataFrame(columns=["dataset", "alias", "p50_min", "shortest_task_min"])
    none = pd.DataFrame(columns=["dataset", "model", "replay_rel_diff", "exact_rel_diff"])
    got = headline_sentences.fit_sentences(fits, horizons, empty, none)
    assert got["failed_fits"] == ("1 model had no successes or no failures at all and has no "
                                  "horizon: b (no successes).")
    assert "1,000 replicates over 1 model (b: 1,000)" in got["degenerate"]
    assert got["extrapolated"].startswith("Every 50% horizon")
    assert got["reproduction"].startswith("None of the configured run files")
