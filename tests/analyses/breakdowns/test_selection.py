"""Tests of horizonlib.analyses.breakdowns.selection: which models are missing."""

from horizonlib.analyses.breakdowns import selection

from tests.analyses.breakdowns.toy_runs import make_runs


def test_missing_models_names_only_absent_models():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    assert selection.missing_models(["o3", "o4-mini"], runs) == ["o4-mini"]
