"""Presentation layer: the breakdowns chapter's sentences and display tables, from the results of
:mod:`horizonlib.analyses.breakdowns`.

* :mod:`~horizonlib.report.breakdowns.wording`: horizons, intervals, subsets and absent models as
  text;
* :mod:`~horizonlib.report.breakdowns.tables`: the display tables and their style;
* :mod:`~horizonlib.report.breakdowns.numbers`: every number the prose quotes.

Nothing is computed here that the analyses do not already give;
:mod:`horizonlib.analyses.breakdowns`
never imports this package.
"""
