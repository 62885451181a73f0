"""Rows of a horizons table for the headline tests (one model, one dataset, a 50% horizon in
minutes)."""

import pandas as pd


def horizon_rows(dataset, model, value):
    return pd.DataFrame(dict(dataset=dataset, model=model, p=[0.5], horizon_min=[value],
                             ci_low_min=[value / 2], ci_high_min=[value * 2], n_runs=[10],
                             n_tasks=[5], failed_replicates=[0], source="fitted"))
