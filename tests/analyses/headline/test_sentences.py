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


def test_extrapolated_sentence_agrees_in_number():
    fits = pd.DataFrame(dict(alias=["a"], status=["ok"]))
    horizons = pd.DataFrame(dict(model=["a"], p=0.5, failed_replicates=[0]))
    none = pd.DataFrame(columns=["dataset", "model", "replay_rel_diff", "exact_rel_diff"])
    one = pd.DataFrame(dict(dataset=["d"], alias=["a"], p50_min=[0.01], shortest_task_min=[0.1]))
    got = headline_sentences.fit_sentences(fits, horizons, one, none)["extrapolated"]
    assert got.startswith("1 model has a 50% horizon shorter than the shortest task it ran (a, d)")
    two = pd.concat([one, one.assign(alias="b")])
    got = headline_sentences.fit_sentences(fits, horizons, two, none)["extrapolated"]
    assert got.startswith("2 models have a 50% horizon shorter than the shortest task they ran")
