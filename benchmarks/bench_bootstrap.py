"""Benchmark: point fits and the 1,000-replicate paired bootstrap on METR's pre-paper run file.

Prints in-process seconds for loading, the point fits of all models and the bootstrap; the
whole-process seconds since the interpreter started (from /proc/self/stat, so imports count);
and peak resident memory (``resource.getrusage``). Target: the whole process under 2 s for the
1,000-replicate bootstrap of all 10 models (METR's joblib + scikit-learn pipeline: ~38 s).
Figures only; nothing is asserted.

Usage: ``python benchmarks/bench_bootstrap.py [--mirror PATH] [--n-bootstrap 1000] [--seed 0]``
"""

import time

_T_IMPORT = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402


def _process_age_seconds() -> float:
    """Seconds since this process started (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 (starttime); fields[0] is field 3
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mirror = os.environ.get(
        "HORIZON_DATA_MIRROR", str(Path(__file__).resolve().parents[2] / "shared/data/metr"))
    parser.add_argument("--mirror", default=default_mirror)
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from horizonlib.model.bootstrap import bootstrap_horizons
    from horizonlib.model.horizons import fit_horizons, horizon_table
    from horizonlib.data.runs import load_runs

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        runs = load_runs(["pre-paper-2025-01"], mirror=args.mirror, cache_dir=cache)
    t1 = time.perf_counter()
    fits = fit_horizons(runs)
    t2 = time.perf_counter()
    samples = bootstrap_horizons(runs, args.n_bootstrap, np.random.default_rng(args.seed))
    t3 = time.perf_counter()
    table = horizon_table(runs, n_bootstrap=args.n_bootstrap, samples=samples)
    t4 = time.perf_counter()

    n_models = fits.shape[0]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"runs: {len(runs)} runs, {n_models} models, {runs['task_id'].nunique()} tasks")
    print(f"imports (numpy, pandas, scipy, horizonlib): {t0 - _T_IMPORT:8.3f} s")
    print(f"load runs:                                {t1 - t0:8.3f} s")
    print(f"point fits, all models:                   {t2 - t1:8.3f} s")
    print(f"bootstrap, {args.n_bootstrap} replicates x {n_models} models: {t3 - t2:8.3f} s")
    print(f"horizon table (percentile CIs):           {t4 - t3:8.3f} s")
    print(f"whole process so far (since start):       {_process_age_seconds():8.3f} s")
    print(f"peak memory (max RSS):                    {peak_mib:8.1f} MiB")
    print(f"degenerate replicates per model: "
          f"{table[table.p == 0.5].set_index('model')['failed_replicates'].to_dict()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
