"""Points of batched fits: shared by every fit (1-D arrays) or one row per fit (2-D arrays).

The batched solvers (:func:`horizonlib.model.logistic.fit_binary_batch`,
:func:`horizonlib.model.lbfgs_replay.fit_lbfgs_batch`) fit ``n_fits`` weight vectors ``W``
(shape ``(n_fits, n)``) on points ``x`` (log2 minutes) and ``y`` (success). When all fits share
the points, ``x`` and ``y`` have shape ``(n,)``; when each fit has its own (the bootstrap stacks
the models of a dataset, each on its own (task, success) cells, padded with zero weight), they
have shape ``(n_fits, n)``. These helpers let one code path serve both; the 1-D path keeps the
exact arithmetic (BLAS matrix-vector products) it always had.
"""

from __future__ import annotations

import numpy as np


def as_rows(v: np.ndarray) -> np.ndarray:
    """``v`` broadcastable against ``(n_fits, n)``: ``v[None, :]`` for shared points."""
    return v[None, :] if v.ndim == 1 else v


def take_rows(v: np.ndarray, idx) -> np.ndarray:
    """The points of fits ``idx``: ``v`` itself when shared, else its rows."""
    return v if v.ndim == 1 else v[idx]


def row_dot(A: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``sum_j A[i, j] * v[(i,) j]`` per row ``i``."""
    return A @ v if v.ndim == 1 else np.einsum("ij,ij->i", A, v)
