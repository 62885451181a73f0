"""Tests of horizonlib.analyses.trend_checks.samples: dropped replicates and point intervals."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.trend_checks import samples as trend_samples


def test_dropped_replicates_and_intervals():
    wide = pd.DataFrame({"a": [1.0, np.nan, 2.0, 1e-5], "b": [1.0, 2.0, 3.0, 4.0]})
    assert trend_samples.dropped_replicates(wide, ["a", "b"]).to_dict() == {"a": 2}
    iv = trend_samples.point_intervals(pd.Series({"b": 2.5, "c": 1.0}), wide, 0.5)
    assert iv.loc["b"].tolist() == pytest.approx([1.75, 3.25])
    assert iv.loc["c"].isna().all()
