"""horizonlib: a tested re-analysis of METR's AI time-horizon measurements.

The subpackages are the layers; each imports only from itself and the layers before it
(``tests/test_layers.py`` holds this):

``common``    words and durations every layer uses
``data``      the manifest, downloads and checksums, run files and their validation, METR's
              published files, messiness labels, the synthetic simulator
``model``     weights, logistic / probit / random-intercept fits, horizons, the hierarchical
              bootstrap (the book's draws, METR's replayed draws, one shared set per build),
              Monte Carlo errors, the doubling-time trend
``analyses``  one module or small subpackage per question: breakdowns, hacking, noise, trend
              checks, task difficulty, length error, messiness, multiverse, headline
``report``    figures, tables, sentences and glue for the chapters; the results files and
              their one schema; the answers page
``build``     parameter sets, the command line, the book build (staging, papermill execution,
              rendering) and the browser check of the rendered pages
"""

__version__ = "0.1.0"
