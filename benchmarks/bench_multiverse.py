"""Benchmark: the multiverse point fits (every specification x every model) on the offline data.

Prints in-process seconds for loading the runs of the offline edition, the point fits of the full
grid (288 specifications x 18 models), the doubling times per specification, and the paired
bootstrap of the 12 one-choice-at-a-time specifications; and peak resident memory
(``resource.getrusage``). Target: the point fits of the whole grid under 30 s (issue 6). Figures
only; nothing is asserted.

Usage: ``python benchmarks/bench_multiverse.py [--mirror PATH] [--n-bootstrap 1000] [--seed 0]``
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mirror = os.environ.get(
        "HORIZON_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared/data/metr"))
    parser.add_argument("--mirror", default=default_mirror)
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from horizonlib.analyses.multiverse.bootstrap import bootstrap_specifications
    from horizonlib.analyses.multiverse.doubling import doubling_multiverse
    from horizonlib.analyses.multiverse.fits import fit_multiverse
    from horizonlib.analyses.multiverse.grid import one_at_a_time, specification_grid
    from horizonlib.analyses.multiverse.summaries import headline_position, variance_shares
    from horizonlib.data.published import load_release_dates
    from horizonlib.data.runs import load_runs
    from horizonlib.model.shared_draws import SharedDraws

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        runs = load_runs(["pre-paper-2025-01", "th-1-1-8-models"], mirror=args.mirror,
                         cache_dir=cache)
        dates = load_release_dates(["release-dates-th", "release-dates-paper",
                                    "release-dates-cross-domain"], mirror=args.mirror,
                                   cache_dir=cache)
    t1 = time.perf_counter()
    grid = specification_grid()
    table = fit_multiverse(runs, grid)
    t2 = time.perf_counter()
    trend = doubling_multiverse(table, dates, ["2019-01-01", "2024-01-01"])
    variance_shares(table)
    headline_position(table)
    t3 = time.perf_counter()
    oat = one_at_a_time(grid)
    bootstrap_specifications(runs, oat, SharedDraws(args.n_bootstrap, args.seed))
    t4 = time.perf_counter()

    n_models = table.groupby(["dataset", "model"]).ngroups
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"runs: {len(runs)} runs, {n_models} models; grid: {len(grid)} specifications, "
          f"{len(table)} fits ({int((table['status'] != 'ok').sum())} without a finite optimum)")
    print(f"load runs and release dates:              {t1 - t0:8.3f} s")
    print(f"point fits, whole grid x all models:      {t2 - t1:8.3f} s")
    print(f"doubling times ({len(trend)} rows), shares, ranks: {t3 - t2:8.3f} s")
    print(f"bootstrap, {len(oat)} specifications x {args.n_bootstrap} replicates: {t4 - t3:8.3f} s")
    print(f"peak memory (max RSS):                    {peak_mib:8.1f} MiB")


if __name__ == "__main__":
    main()
