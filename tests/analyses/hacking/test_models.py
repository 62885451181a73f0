"""Tests of horizonlib.analyses.hacking.models: RE-Bench means (known answers)."""

import pytest

from horizonlib.analyses.hacking import models as hacking_models

from tests.analyses.hacking.toy_runs import two_model_runs


def test_rebench_means_known():
    m = hacking_models.rebench_means(two_model_runs()).set_index("alias")["rebench_mean"]
    assert m["A"] == pytest.approx(0.35) and m["B"] == pytest.approx(0.45)
