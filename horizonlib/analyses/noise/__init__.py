"""Is it noise? Paired bootstrap differences between two models, and where the CI width comes from
(analyses layer).

* :mod:`~horizonlib.analyses.noise.replicates`: paired bootstrap replicates of two models'
  RE-Bench means and 50% horizons, resampling all or some of the levels (family, task, run);
* :mod:`~horizonlib.analyses.noise.pairs`: differences ``M(a) - M(b)`` and ratios ``h(a) / h(b)``
  with percentile intervals and ``P(D > 0)``, ``P(Q > 1)``;
* :mod:`~horizonlib.analyses.noise.levels`: the interval width under each level alone;
* :mod:`~horizonlib.analyses.noise.results`: rows of ``differences.csv`` and ``ablations.csv``.
"""
