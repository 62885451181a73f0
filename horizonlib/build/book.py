"""Build the book: parameters → data → executed chapters → static HTML, all or nothing.

Job (orchestration layer; no analysis here) — the steps, each in its own module:

1. load and validate a parameter set (:func:`horizonlib.build.params.load_params`), with overrides;
2. fetch and verify every dataset it names (:func:`horizonlib.build.inputs.fetch_datasets`);
3. check every input file before any chapter runs (:func:`horizonlib.build.inputs.check_inputs`):
   a bad file stops here with its name, line, field, value and the reason;
4. in a fresh staging folder ``<out>/.tmp-<pid>-<random>/`` (:mod:`horizonlib.build.staging`),
   convert each chapter listed in ``_toc.yml`` (or the ``toc`` given; :mod:`horizonlib.build.toc`)
   from jupytext MyST markdown to a notebook and execute it with papermill
   (:mod:`horizonlib.build.execute`; parameters = the parameter set + ``results_dir`` +
   ``params_file``; working directory = the repository root), stopping at the first failure;
   the console shows ``[i/n] chapter``, each chapter's time and the elapsed time;
5. render the executed notebooks with ``jupyter-book build -n -W --keep-going``
   (:mod:`horizonlib.build.render`);
6. only if every step succeeded, replace ``<out>/html``, ``<out>/results`` (the chapters' CSV
   files) and ``<out>/notebooks`` (executed notebooks) with the new ones.

A failure anywhere prints what failed (for a chapter: its file, cell number and error), removes
the staging folder and any previous ``<out>/html``, ``<out>/results``, ``<out>/notebooks`` and
``<out>/params.yml`` (so a stale book is never mistaken for this run's), keeps a failed
chapter's notebook under ``<out>/failed/`` for inspection, and raises:
:class:`~horizonlib.build.errors.BuildError` (the CLI exits 1), or for bad input
``ParamsError``, ``RunFileError``, ``DataFetchError`` or
:class:`~horizonlib.build.errors.InputError` (the CLI exits 2).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from horizonlib.build.errors import BuildError
from horizonlib.build.execute import clock, default_jobs, execute_all, kernel_environment
from horizonlib.build.inputs import check_inputs, fetch_datasets
from horizonlib.build.params import load_params
from horizonlib.build.render import publish, remove_outputs, run_jupyter_book
from horizonlib.build.staging import absolutize_paths, chapter_parameters, make_staging, stage_book
from horizonlib.build.toc import chapter_sources, repo_root_default, toc_files


def build_book(
    params_path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    out: str | Path = "_build",
    root: str | Path | None = None,
    mirror: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    toc: str | Path | None = None,
    jobs: int | None = None,
) -> Path:
    """Build the whole book, or nothing.

    Parameters
    ----------
    params_path : str or Path
        Parameter set (``params/default.yml`` …).
    overrides : mapping, optional
        Parameter overrides (e.g. ``{"runs": ["path/to/runs.jsonl"]}``); ``None`` values ignored.
    out : str or Path
        Output folder: receives ``html/``, ``results/``, ``notebooks/`` and ``params.yml``.
    root : str or Path, optional
        Repository root holding ``_config.yml``, ``_toc.yml`` and the chapters
        (default :func:`repo_root_default`).
    mirror : str or Path, optional
        Folder mirroring METR's files; exported as ``HORIZON_DATA_MIRROR`` to fetch and kernels.
    log : callable, optional
        Receives progress lines (default: print to stdout, flushed).
    toc : str or Path, optional
        Table of contents to build instead of ``<root>/_toc.yml`` (e.g. a copy that adds a
        chapter you are writing); its ``file`` entries are relative to ``root``.
    jobs : int, optional
        Chapters executed at once (default :func:`horizonlib.build.execute.default_jobs`: one
        per core, at most 2); the results do not depend on it.

    Returns
    -------
    Path
        ``<out>/html``.

    Raises
    ------
    horizonlib.build.params.ParamsError
        Invalid parameter set.
    horizonlib.data.runs.RunFileError, horizonlib.data.fetch.DataFetchError, InputError
        An input file is malformed or missing (checked before any chapter runs).
    BuildError
        Fetch, a chapter, or the HTML build failed.

    Whatever fails, nothing that looks like a finished book is left in ``out``: the previous
    ``html``, ``results``, ``notebooks`` and ``params.yml`` are removed too.
    """
    log = log or (lambda line: print(line, flush=True))
    t_start = time.perf_counter()
    invocation_dir = Path.cwd()
    root = Path(root).resolve() if root is not None else repo_root_default()
    out = (invocation_dir / Path(out)).resolve()
    try:
        return _build(params_path, overrides, out, root, mirror, log, toc, invocation_dir, t_start,
                      default_jobs() if jobs is None else jobs)
    except BaseException:
        # never leave a book that could be mistaken for this run's output
        remove_outputs(out)
        raise


def _build(params_path, overrides, out: Path, root: Path, mirror, log, toc, invocation_dir: Path,
           t_start: float, jobs: int) -> Path:
    params_path = Path(params_path)
    params = load_params(params_path, overrides)
    params = absolutize_paths(params, invocation_dir, root)
    if mirror is not None:
        os.environ["HORIZON_DATA_MIRROR"] = str(Path(mirror).resolve())
    mirror_env = os.environ.get("HORIZON_DATA_MIRROR")

    toc_path = (invocation_dir / Path(toc)).resolve() if toc is not None else root / "_toc.yml"
    if not toc_path.is_file():
        raise BuildError(f"{toc_path} not found: is {root} the book's folder?")
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    sources, notebooks, skipped = chapter_sources(toc_files(toc), root, toc_path, params.get("chapters"))

    log(f"[book] edition '{params['edition']}' from {params_path}; runs = {params['runs']}; "
        f"output {out}")
    t0 = time.perf_counter()
    fetch_datasets(params, root, mirror_env, log)
    log(f"[data] datasets ready … {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    counts = check_inputs(params, root)
    log(f"[check] input files valid: {counts['runs']:,} runs of {counts['models']} models in "
        f"{counts['datasets']} run file(s) … {time.perf_counter() - t0:.1f} s")

    out.mkdir(parents=True, exist_ok=True)
    if (out / "failed").exists():  # from an earlier failed build
        shutil.rmtree(out / "failed")
    tmp, stage, results, executed = make_staging(out)
    try:
        stage_book(root, stage, toc, sources, notebooks, skipped, params.get("chapters"))
        chapter_params = chapter_parameters(params, results, params_path)
        final_results = os.path.relpath(out / "results", root) if out.is_relative_to(root) else str(out / "results")
        with kernel_environment():
            # the root page, when it is a notebook, reads every chapter's results: it runs last
            root_page = sources[0] if notebooks and notebooks[-1] == sources[0] else None
            execute_all(notebooks, root, stage, executed, out, chapter_params, final_results, log,
                        t_start, jobs, root_page)

        t0 = time.perf_counter()
        log(f"[html] jupyter-book build (warnings are errors) … elapsed "
            f"{clock(time.perf_counter() - t_start)}")
        run_jupyter_book(stage)
        log(f"[html] jupyter-book build … {time.perf_counter() - t0:.1f} s")
        publish(stage, results, executed, out, params)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"[book] done in {clock(time.perf_counter() - t_start)}: {out / 'html' / 'index.html'}; "
        f"results in {out / 'results'}")
    return out / "html"
