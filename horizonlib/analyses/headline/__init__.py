"""The headline analysis behind the "horizon fit" chapter (analyses layer).

For each model ``(dataset, alias)`` METR's curve ``P(success) = sigmoid(intercept + slope *
log2(human_minutes))`` is fitted (:mod:`horizonlib.model.horizons`), its horizons compared with METR's
published ones on the same task suite, and the 50% horizons regressed on release date:

    ln(p50_minutes) = a + b * days_since_1970,    doubling time = ln 2 / b  [days].

* :mod:`~horizonlib.analyses.headline.fits`: the fitted curves, extrapolated horizons, penalty
  effect;
* :mod:`~horizonlib.analyses.headline.published`: comparison with METR's published horizons;
* :mod:`~horizonlib.analyses.headline.trend`: the trend on release date and its figure's data;
* :mod:`~horizonlib.analyses.headline.sentences`: the chapter's generated sentences;
* :mod:`~horizonlib.analyses.headline.planted`: estimates against the planted truth of simulated
  runs.

Everything here arranges model-layer results into the tables the chapter shows; nothing here draws.
"""
