"""The multiverse: every combination of analysis choices, fitted for every model.

Job of the subpackage: refit each model's horizon under every specification of a grid of
analysis choices, and measure how much each choice moves the 50% horizon and the doubling time.
Its modules, in the order a chapter uses them:

* :mod:`~horizonlib.analyses.multiverse.grid`: the dimensions, their levels, the specifications;
* :mod:`~horizonlib.analyses.multiverse.outcomes`: what a success rule, task subset and hack
  policy do to the runs (and the reward-hack flag file);
* :mod:`~horizonlib.analyses.multiverse.fits`: the batched point fits of every model under every
  specification (the model equation is there);
* :mod:`~horizonlib.analyses.multiverse.model_choice`: which models are studied and shown;
* :mod:`~horizonlib.analyses.multiverse.summaries`: variance shares, METR's position,
  specification curves, single-choice effects;
* :mod:`~horizonlib.analyses.multiverse.doubling`: the doubling time under every specification;
* :mod:`~horizonlib.analyses.multiverse.bootstrap`: intervals under a few chosen specifications.

Import from the modules themselves; this package re-exports nothing. No wording here: the
chapter's sentences and display tables are in :mod:`horizonlib.report.multiverse`.
"""
