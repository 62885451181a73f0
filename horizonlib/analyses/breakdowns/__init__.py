"""Per-task breakdowns of the time horizon: where a model's horizon comes from (analyses layer).

Every piece reuses the model layer's fit ``P(success) = sigmoid(a + b log2(human minutes))`` with
METR's per-run weights, and the 50% horizon ``2 ** (-a / b)`` minutes:

* :mod:`~horizonlib.analyses.breakdowns.selection`: the RE-Bench runs, task sets, subset and model
  names;
* :mod:`~horizonlib.analyses.breakdowns.intervals`: the percentile bootstrap interval they all use;
* :mod:`~horizonlib.analyses.breakdowns.rebench`: RE-Bench per-task scores and means, weight share;
* :mod:`~horizonlib.analyses.breakdowns.subsets`: fits on subsets of tasks (paired bootstrap),
  predicted against observed success;
* :mod:`~horizonlib.analyses.breakdowns.influence`: leave-one-task (family)-out refits;
* :mod:`~horizonlib.analyses.breakdowns.calibration`: observed against predicted success per group;
* :mod:`~horizonlib.analyses.breakdowns.results`: rows of the results files.

No plotting here (see :mod:`horizonlib.report.figures_breakdowns`) and no wording (the chapter's
sentences and display tables are in :mod:`horizonlib.report.breakdowns`).
"""
