"""Words of the multiverse chapter (horizonlib.report.multiverse_labels): level labels, durations."""

import numpy as np

from horizonlib.common.units import format_duration
from horizonlib.report.multiverse_labels import level_label


def test_level_labels_and_durations():
    assert level_label("regularization", 0.01) == "λ = 0.01"
    assert level_label("success", "score>=0.5") == "score ≥ 0.5"
    assert level_label("subset", "baseline_times") == "measured human times only"
    assert format_duration(0.5) == "30 s" and format_duration(4.56) == "4.6 min"
    assert format_duration(45) == "45 min" and format_duration(150) == "2.5 h"
    assert format_duration(4 * 1440) == "4.0 days" and format_duration(np.nan) == "n/a"
