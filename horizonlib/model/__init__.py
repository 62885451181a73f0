"""Model layer: the statistics, on tidy runs tables, with no knowledge of chapters.

``weights`` (METR's run weights), ``logistic`` / ``probit`` / ``batch_rows`` (batched penalized
fits, on shared points or one row of points per fit), ``lbfgs_replay`` (scikit-learn's
early-stopping solver, as METR ran it), ``mixed_logistic`` (per-task random intercepts), ``horizons`` (horizon
tables with intervals), ``draws`` / ``metr_draws`` / ``bootstrap`` (hierarchical resampling: the
book's draws and METR's replayed ones, and the batched refits), ``shared_draws`` /
``shared_horizons`` (one set of draws and one headline bootstrap per build), ``mc_error`` (the
Monte Carlo error of interval bounds), ``trend`` (doubling times).
"""
