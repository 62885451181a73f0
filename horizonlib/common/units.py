"""Durations as readers read them (bottom layer: used by analyses and presentation alike).

Task lengths and horizons are computed in minutes everywhere; this turns a number of minutes
into text in the unit it reads best in.
"""

from __future__ import annotations

import numpy as np


def format_duration(minutes: float) -> str:
    """A duration in minutes as text in seconds, minutes, hours or days (``"n/a"`` if NaN)."""
    if minutes is None or not np.isfinite(minutes):
        return "n/a"
    if minutes < 1:
        return f"{minutes * 60:.2g} s"
    if minutes < 90:
        return f"{minutes:.1f} min" if minutes < 10 else f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"
