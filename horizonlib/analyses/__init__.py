"""Analyses layer: one module or small subpackage per question the book answers.

``summaries`` (the data), ``headline`` (the fit chapter's horizons and trend beside METR's),
``breakdowns`` (RE-Bench per task, subsets, leave-one-out, calibration), ``hacking`` (reward
hacking policies and tipping points), ``noise`` (paired differences and where their width comes
from), ``trend_checks`` (doubling time with and without the focus models, breaks, distance to the
trend), ``task_difficulty`` / ``length_error`` / ``messiness`` (what task length does not
explain), ``multiverse`` (every combination of analysis choices), ``ablations`` (rows of the
shared ablations file).
"""
