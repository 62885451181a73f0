"""Checks of the horizon trend (analyses layer): is the doubling time robust, is a model above it?

Lines ``ln(p50 minutes) = a + b * days_since_1970`` (doubling time ``ln 2 / b`` days), fitted to
the point horizons and to every paired bootstrap replicate of them:

* :mod:`~horizonlib.analyses.trend_checks.samples`: point horizons, bootstrap samples, release
  dates, usable replicates and percentile intervals;
* :mod:`~horizonlib.analyses.trend_checks.lines`: single and broken lines, BIC, the date a line
  reaches a horizon;
* :mod:`~horizonlib.analyses.trend_checks.checks`: every check of the trend chapter
  (:func:`~horizonlib.analyses.trend_checks.checks.check_trend`) and a model's distance from the
  trend;
* :mod:`~horizonlib.analyses.trend_checks.run_level`: frontier doubling times fitted to one
  dataset's run files;
* :mod:`~horizonlib.analyses.trend_checks.results`: the chapter's rows of ``trend.csv``,
  ``trend_checks.csv`` and ``ablations.csv``, models keyed by dataset and alias.
"""
