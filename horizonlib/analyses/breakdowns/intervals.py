"""Percentile bootstrap intervals of the per-task breakdowns (analyses layer).

One rule for every breakdown: the interval over the replicates of each column, NaN replicates
(unidentified or failed refits) left out, NaN where no replicate is finite.
"""

from __future__ import annotations

import numpy as np


def percentile_interval(reps: np.ndarray, confidence_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring NaN replicates (NaN where none is finite)."""
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    q = [50 * (1 - confidence_level), 50 * (1 + confidence_level)]
    reps = np.asarray(reps, dtype=float)
    if reps.ndim == 1:
        reps = reps[:, None]
    lo = np.full(reps.shape[1], np.nan)
    hi = np.full(reps.shape[1], np.nan)
    finite = np.isfinite(reps)
    for j in np.flatnonzero(finite.any(axis=0)):
        lo[j], hi[j] = np.percentile(reps[finite[:, j], j], q)
    return lo, hi
