"""Benchmark: the book's bootstrap and the METR replay, 1,000 and 10,000 replicates, pre-paper file.

For each replicate count prints wall seconds of

* the default bootstrap (``bootstrap_rng="numpy"``, ``solver="exact"``): draws, fits, and the
  horizon table with every bound's Monte Carlo error;
* the METR replay (``bootstrap_rng="metr"``, ``solver="metr"``: METR's samples one by one);
* the ``mc_error_target`` rule (from 1,000 replicates, redrawing as many as it asks for, capped
  at 10,000): its cost and the replicates it chose;

and the ratio to METR's own code on this machine class: its bootstrap plus logistic stage took
20.4 s wall for 1,000 samples (2 processes; 33.9 s for the bootstrap on another CPU), so about
204 s for 10,000 (it is linear in the samples). Target: 10,000 replicates of all models under
30 s on 2 cores. Figures only; nothing is asserted.

Usage: ``python benchmarks/bench_metr_replay.py [--mirror PATH] [--counts 1000 10000]
[--mc-error-target 0.05]``
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

#: METR's code, bootstrap + logistic stage, 1,000 samples (s, wall): this machine class / another CPU.
METR_SECONDS_1000 = {"this machine class": 20.4, "another CPU (bootstrap only)": 33.9}


def _ratios(seconds: float, n: int) -> str:
    parts = [f"{seconds / (metr * n / 1000):.3f} x METR's time on {where} "
             f"({metr * n / 1000:.0f} s)" for where, metr in METR_SECONDS_1000.items()]
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mirror = os.environ.get(
        "HORIZON_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared/data/metr"))
    parser.add_argument("--mirror", default=default_mirror)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=20250416)
    parser.add_argument("--mc-error-target", type=float, default=0.05)
    args = parser.parse_args()

    from horizonlib.data.runs import load_runs
    from horizonlib.model.bootstrap import bootstrap_horizons, draw_dataset_replicates
    from horizonlib.model.horizons import horizon_table

    with tempfile.TemporaryDirectory() as cache:
        runs = load_runs(["pre-paper-2025-01"], mirror=args.mirror, cache_dir=cache)
        with_humans = load_runs(["pre-paper-2025-01"], mirror=args.mirror, cache_dir=cache,
                                include_humans=True)
    n_models = runs.groupby("alias").ngroups
    print(f"pre-paper-2025-01: {len(runs):,} agent runs of {n_models} models "
          f"({len(with_humans):,} rows with the human baselines METR's draws include)")
    for n in args.counts:
        t0 = time.perf_counter()
        draws = draw_dataset_replicates(runs, n, np.random.default_rng(args.seed))
        t1 = time.perf_counter()
        samples = bootstrap_horizons(runs, n, None, draws=draws)
        t2 = time.perf_counter()
        horizon_table(runs, n_bootstrap=n, samples=samples)
        t3 = time.perf_counter()
        total = t3 - t0
        print(f"\n{n:,} replicates, default (numpy draws, exact solver):")
        print(f"  draws {t1 - t0:7.2f} s   fits {t2 - t1:7.2f} s   intervals + MC errors "
              f"{t3 - t2:5.2f} s   total {total:7.2f} s")
        print(f"  {_ratios(total, n)}")
        del draws, samples
        t0 = time.perf_counter()
        draws = draw_dataset_replicates(with_humans, n, bootstrap_rng="metr")
        t1 = time.perf_counter()
        samples = bootstrap_horizons(with_humans, n, None, draws=draws, solver="metr")
        t2 = time.perf_counter()
        total = t2 - t0
        print(f"{n:,} replicates, METR replay (metr draws, metr solver, {n_models} models + "
              f"human):")
        print(f"  draws {t1 - t0:7.2f} s   fits {t2 - t1:7.2f} s   total {total:7.2f} s")
        print(f"  {_ratios(total, n)}")
        del draws, samples

    t0 = time.perf_counter()
    table = horizon_table(runs, rng=np.random.default_rng(args.seed), n_bootstrap=1000,
                          mc_error_target=args.mc_error_target, n_bootstrap_max=10000)
    seconds = time.perf_counter() - t0
    chosen = int(table["n_replicates"].max())
    print(f"\nmc_error_target {args.mc_error_target:g} from 1,000 replicates: {seconds:.2f} s, "
          f"{chosen:,} replicates chosen (cap 10,000)")
    per_model = table.groupby("p")[["ci_low_mc_se_min", "ci_high_mc_se_min"]].median()
    print("  median Monte Carlo error of the bounds after the rule (minutes):")
    print("  " + per_model.to_string().replace("\n", "\n  "))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
