"""horizonlib: a tested re-analysis of METR's AI time-horizon measurements.

Layers, each importing only those below it:

data (manifest, fetch, runs, published, simulate, params) → model (weights, logistic,
bootstrap, horizons, trend) → analyses → presentation (figures, results) → orchestration
(book, cli).
"""

__version__ = "0.1.0"
