r"""Synthetic METR-like runs simulated from planted per-model logistic curves.

Job: give the book a data set whose truth is known, so that the whole pipeline (load → weights
→ logistic fit → bootstrap → trend → book) builds on a fresh machine with no network, and its
estimates can be checked against the values planted here.

Model
-----
Each fictional model :math:`m` has a planted logistic curve in :math:`x = \log_2(\text{human
minutes})`:

.. math::

    P(\text{success} \mid m, \text{task}) = \sigma(a_m + b_m x), \qquad
    \sigma(z) = 1 / (1 + e^{-z}),

with slope :math:`b_m < 0` (per log2 minute) and intercept :math:`a_m = -b_m \log_2 h_{50,m}`,
so that its 50% horizon is exactly :math:`h_{50,m}` minutes. The 50% horizons follow a planted
exponential trend in release date :math:`t_m`:

.. math::

    h_{50,m} = 2\ \text{min} \times 2^{(t_m - \text{2021-06-01}) / 210\ \text{days}},

i.e. a doubling time of exactly 210 days. The horizon at success probability :math:`p` is
:math:`h_{p,m} = 2^{(\operatorname{logit}(p) - a_m)/b_m}` minutes. :data:`PLANTED` holds the
truth:

=============  ============  ======  =========  =========
alias          release date  slope   p50 (min)  p80 (min)
=============  ============  ======  =========  =========
Sim-Alder      2021-06-01    -0.60      2.00      0.40
Sim-Birch      2022-03-01    -0.65      4.92      1.12
Sim-Cedar      2022-12-01    -0.70     12.21      3.09
Sim-Dogwood    2023-09-01    -0.70     30.15      7.64
Sim-Elm        2024-06-01    -0.75     74.49     20.69
Sim-Fir        2025-03-01    -0.80    183.43     55.18
=============  ============  ======  =========  =========

(Values rounded here; :data:`PLANTED` holds them exactly.)

Planted task effects: the edition's file (:func:`write_synthetic_runs`) adds to every task a
log-odds effect :math:`u_j \sim N(0, 1)` (:data:`TASK_EFFECT_SD`), shared by all models, so that
some tasks are easier or harder than their length says:
:math:`P = \sigma(a_m + b_m x_j + u_j)`. The effects are a fixed draw in task order from their
own Generator (seed :data:`TASK_EFFECT_SEED`), so the other draws of the file are those of a file
without them; :func:`synthetic_task_effects` returns them. :func:`simulate_runs` adds effects only
when given some. Each run's success is a Bernoulli draw with the planted probability, and
nothing else: no scaffolds, no reward hacking. Without task effects, a fit with METR's headline
L2 penalty (``regularization=0.1`` on weights that sum to 1) shrinks slopes towards zero, so it
recovers these values only approximately; an unregularized fit recovers them up to sampling
noise. With them, a fit without task effects recovers a flatter (marginal) curve.

Tasks (drawn by :func:`simulate_tasks` from the same Generator): 60 tasks in 20 families —

* 3 SWAA families of 4 tasks each, human minutes log-uniform on [1, 4];
* 12 HCAST families holding 43 tasks, human minutes log-uniform on [4, 960] (16 h);
* 5 RE-Bench families ``ai_rd_*`` of one task ``<family>/main`` each, human minutes
  480 min × exp(N(0, 0.15²)) (about 8 h).

Every model runs every task 4 to 8 times (uniform integer per model and task). HCAST and SWAA
scores are binary (``score_cont`` = ``score_binarized``); RE-Bench scores are continuous:
a success scores uniformly in (0.9, 1], a failure uniformly in [0, 0.9), so that
``score_binarized == (score_cont > 0.9)`` as in METR's files.

The output uses the field names of METR's Time Horizon 1.1 run files (``score_cont``,
``task_source``, …) so it goes through :func:`horizonlib.data.runs.load_runs` like any upstream file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

#: Seed of the synthetic edition's run file (``write_synthetic_runs`` default).
DEFAULT_SEED = 20210601

#: Planted task effects of the edition's file: standard deviation (log-odds) and the seed of
#: their own Generator (a fixed draw in task order, like the planted curves).
TASK_EFFECT_SD = 1.0
TASK_EFFECT_SEED = 20250417

#: Planted trend: 50% horizon of 2 minutes on this date, doubling every 210 days.
TREND_ORIGIN = pd.Timestamp("2021-06-01")
TREND_ORIGIN_P50_MIN = 2.0
DOUBLING_TIME_DAYS = 210.0

_MODELS = (
    # alias, model id, release date, slope (per log2 minute)
    ("Sim-Alder", "sim_alder", "2021-06-01", -0.60),
    ("Sim-Birch", "sim_birch", "2022-03-01", -0.65),
    ("Sim-Cedar", "sim_cedar", "2022-12-01", -0.70),
    ("Sim-Dogwood", "sim_dogwood", "2023-09-01", -0.70),
    ("Sim-Elm", "sim_elm", "2024-06-01", -0.75),
    ("Sim-Fir", "sim_fir", "2025-03-01", -0.80),
)

_RE_BENCH_FAMILIES = (
    "ai_rd_sim_optimize_kernel",
    "ai_rd_sim_fix_embedding",
    "ai_rd_sim_scaffolding",
    "ai_rd_sim_finetune_rl",
    "ai_rd_sim_restricted_lm",
)


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def planted_p50_min(release_date: pd.Timestamp | str) -> float:
    """The planted trend's 50% horizon (minutes) for a release date."""
    days = (pd.Timestamp(release_date) - TREND_ORIGIN).days
    return TREND_ORIGIN_P50_MIN * 2.0 ** (days / DOUBLING_TIME_DAYS)


def _planted_table() -> pd.DataFrame:
    rows = []
    for alias, model, date, slope in _MODELS:
        p50 = planted_p50_min(date)
        intercept = -slope * np.log2(p50)
        rows.append({
            "alias": alias,
            "model": model,
            "release_date": pd.Timestamp(date),
            "intercept": float(intercept),
            "slope": float(slope),
            "p50_min": float(p50),
            # horizon_at(0.8): 2**((logit(0.8) - a) / b)
            "p80_min": float(2.0 ** ((_logit(0.8) - intercept) / slope)),
        })
    return pd.DataFrame(rows)


#: The truth: one row per fictional model — alias, model, release_date (Timestamp),
#: intercept, slope (per log2 minute), p50_min, p80_min (minutes).
PLANTED: pd.DataFrame = _planted_table()


def synthetic_release_dates() -> pd.Series:
    """Release dates of the synthetic models, like ``published.load_release_dates``.

    Returns
    -------
    pandas.Series
        alias -> Timestamp (release day), named ``release_date``.
    """
    return pd.Series(PLANTED["release_date"].to_numpy(), index=pd.Index(PLANTED["alias"], name="alias"),
                     name="release_date")


def write_synthetic_release_dates(path: str | Path) -> Path:
    """Write the synthetic release dates in METR's ``release_dates.yaml`` layout (``date: {alias: day}``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["date:"] + [f"  {a}: {d:%Y-%m-%d}" for a, d in synthetic_release_dates().items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def simulate_tasks(rng: np.random.Generator) -> pd.DataFrame:
    """Draw the synthetic task suite (60 tasks in 20 families; see module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per task: task_id, task_family, task_source, human_minutes (minutes),
        human_source.
    """
    rows = []

    def log_uniform(low: float, high: float) -> float:
        return float(np.exp(rng.uniform(np.log(low), np.log(high))))

    for f in range(3):
        family = f"sim_swaa_{f:02d}"
        for t in range(4):
            rows.append((f"{family}/task_{t}", family, "SWAA", log_uniform(1.0, 4.0), "baseline"))
    # 43 HCAST tasks over 12 families: every family gets 1 task, the other 31 land at random,
    # so family sizes vary as in METR's suite (which matters for invsqrt_task_weight).
    family_of_task = np.concatenate([np.arange(12), rng.integers(0, 12, size=31)])
    family_of_task.sort()
    counters = [0] * 12
    for f in family_of_task:
        family = f"sim_hcast_{f:02d}"
        t = counters[f]
        counters[f] += 1
        source = "baseline" if rng.random() < 0.7 else "estimate"
        rows.append((f"{family}/task_{t}", family, "HCAST", log_uniform(4.0, 960.0), source))
    for family in _RE_BENCH_FAMILIES:
        rows.append((f"{family}/main", family, "RE-Bench", float(480.0 * np.exp(rng.normal(0.0, 0.15))),
                     "baseline"))
    return pd.DataFrame(rows, columns=["task_id", "task_family", "task_source", "human_minutes", "human_source"])


def planted_task_effects(tasks: pd.DataFrame, sd: float = TASK_EFFECT_SD) -> pd.Series:
    """The planted log-odds effect of every task (positive = easier than its length says).

    Parameters
    ----------
    tasks : DataFrame
        Task suite like :func:`simulate_tasks`'s (effects are drawn in its row order).
    sd : float
        Standard deviation of the effects (log-odds).

    Returns
    -------
    pandas.Series
        task_id -> effect (log-odds), named ``task_effect``.
    """
    effects = sd * np.random.default_rng(TASK_EFFECT_SEED).standard_normal(len(tasks))
    return pd.Series(effects, index=pd.Index(tasks["task_id"], name="task_id"), name="task_effect")


def synthetic_task_effects(seed: int = DEFAULT_SEED) -> pd.Series:
    """The planted task effects of the file :func:`write_synthetic_runs` writes with ``seed``."""
    return planted_task_effects(simulate_tasks(np.random.default_rng(seed)))


def simulate_runs(
    rng: np.random.Generator,
    planted: pd.DataFrame | None = None,
    tasks: pd.DataFrame | None = None,
    runs_per_task: tuple[int, int] = (4, 8),
    task_effects: pd.Series | None = None,
) -> pd.DataFrame:
    """Simulate runs of every planted model on every task.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness (tasks, run counts, successes, scores).
    planted : DataFrame, optional
        Truth table like :data:`PLANTED` (columns alias, model, intercept, slope).
    tasks : DataFrame, optional
        Task suite like :func:`simulate_tasks`'s; drawn from ``rng`` when omitted.
    runs_per_task : (int, int)
        Inclusive range of runs per (model, task).
    task_effects : Series, optional
        task_id -> log-odds added to every model's success on that task (none when omitted).

    Returns
    -------
    pandas.DataFrame
        One row per run, METR Time Horizon 1.1 field names: task_id, task_family, run_id,
        alias, model, score_cont, score_binarized, human_minutes (minutes), human_source,
        task_source.
    """
    planted = PLANTED if planted is None else planted
    tasks = simulate_tasks(rng) if tasks is None else tasks
    lo, hi = runs_per_task
    x = np.log2(tasks["human_minutes"].to_numpy(dtype=float))
    effect = (np.zeros(len(tasks)) if task_effects is None
              else task_effects.reindex(tasks["task_id"]).to_numpy(dtype=float))
    is_rebench = (tasks["task_source"] == "RE-Bench").to_numpy()
    frames = []
    for m in planted.itertuples(index=False):
        n = rng.integers(lo, hi + 1, size=len(tasks))
        idx = np.repeat(np.arange(len(tasks)), n)
        p = 1.0 / (1.0 + np.exp(-(m.intercept + m.slope * x[idx] + effect[idx])))
        success = (rng.random(idx.size) < p).astype(np.int64)
        # RE-Bench: continuous normalized score whose threshold 0.9 gives the success;
        # other sources are scored 0/1.
        cont = np.where(success == 1, 1.0 - 0.1 * rng.random(idx.size), 0.9 * rng.random(idx.size))
        score = np.where(is_rebench[idx], np.round(cont, 6), success.astype(float))
        frame = tasks.iloc[idx].reset_index(drop=True)
        frame["alias"] = m.alias
        frame["model"] = m.model
        frame["run_id"] = [f"{m.model}_{i:05d}" for i in range(idx.size)]
        frame["score_cont"] = score
        frame["score_binarized"] = success
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    runs["human_minutes"] = runs["human_minutes"].round(3)
    return runs[["task_id", "task_family", "run_id", "alias", "model", "score_cont", "score_binarized",
                 "human_minutes", "human_source", "task_source"]]


def write_synthetic_runs(path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the synthetic edition's run file (JSONL, one run per line).

    The same ``seed`` gives a byte-identical file (fixed key order, fixed number formatting).

    Parameters
    ----------
    path : str or Path
        Output file; parent folders are created.
    seed : int
        Seed of the ``numpy.random.default_rng`` Generator.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tasks = simulate_tasks(rng)
    runs = simulate_runs(rng, tasks=tasks, task_effects=planted_task_effects(tasks))
    records = runs.to_dict(orient="records")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            rec = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in rec.items()}
            fh.write(json.dumps(rec, separators=(",", ":")) + "\n")
    return path
