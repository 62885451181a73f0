"""Presentation layer: the trend chapter's sentences and display tables, from the results of
:mod:`horizonlib.analyses.trend_checks`.

* :mod:`~horizonlib.report.trend.wording`: months, doubling times and BIC evidence in words;
* :mod:`~horizonlib.report.trend.sentences`: the sentences built from the trend checks' numbers;
* :mod:`~horizonlib.report.trend.chapter_glue`: every value the prose quotes, as one dict;
* :mod:`~horizonlib.report.trend.tables`: the display tables.

Nothing is computed here that the analyses do not already give;
:mod:`horizonlib.analyses.trend_checks`
never imports this package.
"""
