"""Build the book: parameters → data → executed chapters → static HTML, all or nothing.

Job (orchestration layer; no analysis here):

1. load and validate a parameter set (:func:`horizonlib.build.params.load_params`), with overrides;
2. fetch and verify every dataset it names (:func:`horizonlib.data.fetch.fetch_all`);
3. check every input file before any chapter runs (:func:`check_inputs`): each run file line
   by line, plus what holds across lines (model runs present, one family per task), the
   release-date files and the optional hack-flag CSV — a bad file stops here with its name,
   line, field, value and the reason;
4. in a fresh staging folder ``<out>/.tmp-<pid>-<random>/``, convert each chapter listed in
   ``_toc.yml`` (or the ``toc`` given) from jupytext MyST markdown to a notebook and execute it
   with papermill (parameters = the parameter set + ``results_dir`` + ``params_file``; working
   directory = the repository root; kernel ``python3`` = this interpreter, with a fixed
   ``PYTHONHASHSEED``), stopping at the first failure; the console shows ``[i/n] chapter``,
   each chapter's time and the elapsed time;
5. render the executed notebooks with ``jupyter-book build -n -W --keep-going`` (the book
   never executes anything itself: ``execute_notebooks: off``);
6. only if every step succeeded, replace ``<out>/html``, ``<out>/results`` (the chapters' CSV
   files) and ``<out>/notebooks`` (executed notebooks) with the new ones.

A failure anywhere prints what failed (for a chapter: its file, cell number and error), removes
the staging folder and any previous ``<out>/html``, ``<out>/results``, ``<out>/notebooks`` and
``<out>/params.yml`` (so a stale book is never mistaken for this run's), keeps a failed
chapter's notebook under ``<out>/failed/`` for inspection, and raises: :class:`BuildError`
(the CLI exits 1), or for bad input ``ParamsError``, ``RunFileError``, ``DataFetchError`` or
:class:`InputError` (the CLI exits 2).
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml

from horizonlib.build.params import DATASET_KEYS, dataset_names, load_params

#: Files and folders of the repository root copied into the staging folder (when present).
STAGE_FILES = ("_config.yml", "_toc.yml", "references.bib")
STAGE_DIRS = ("_static", "_vendor")
#: Parameter-set keys not passed to chapters.
NOT_CHAPTER_PARAMETERS = ("chapters",)
KERNEL_NAME = "python3"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BuildError(RuntimeError):
    """The book could not be built; the message says which step failed and why."""


def repo_root_default() -> Path:
    """The book's source folder: the current folder if it holds ``_toc.yml``, else this package's parent."""
    cwd = Path.cwd()
    if (cwd / "_toc.yml").is_file():
        return cwd
    return Path(__file__).resolve().parents[2]


# --- table of contents ------------------------------------------------------------------------


def toc_files(toc: Mapping[str, Any]) -> list[str]:
    """Every ``file`` entry of a jb-book ``_toc.yml`` (root first), without extension, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if "file" in node:
                out.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    if "root" in toc:
        out.append(str(toc["root"]))
    walk({k: v for k, v in toc.items() if k != "root"})
    return [_strip_ext(f) for f in out]


def _strip_ext(name: str) -> str:
    for ext in (".md", ".ipynb"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def placeholder_page(source: Path, chapters: Iterable[str]) -> str:
    """The page standing in for a chapter a restricted build (``chapters``) left out."""
    title = next((line[2:].strip() for line in source.read_text(encoding="utf-8").splitlines()
                  if line.startswith("# ")), source.stem)
    return (f"# {title}\n\nThis chapter was not built in this run: the build was restricted to "
            f"{', '.join(f'`{c}`' for c in chapters)} (parameter `chapters`). Run `make book` "
            "for the whole book.\n")


def is_notebook_source(path: Path) -> bool:
    """True when a ``.md`` file is a jupytext notebook (front matter with a kernelspec or jupytext key)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    if end < 0:
        return False
    try:
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError:
        return False
    return isinstance(meta, dict) and ("kernelspec" in meta or "jupytext" in meta)


# --- helpers ----------------------------------------------------------------------------------


def _absolutize_paths(params: dict[str, Any], base: Path, root: Path) -> dict[str, Any]:
    """Re-anchor file paths among the dataset entries for the chapters, whose working folder is
    ``root``: a path given relative to ``base`` (where the command was run) becomes relative to
    ``root`` when inside it, else absolute. Dataset names are left alone."""
    out = dict(params)
    for key in DATASET_KEYS:
        value = out.get(key)
        if value is None:
            continue
        entries = [value] if isinstance(value, str) else list(value)
        fixed = []
        for e in entries:
            p = Path(e)
            if not p.is_absolute() and (base / p).is_file():
                target = (base / p).resolve()
                fixed.append(str(target.relative_to(root)) if target.is_relative_to(root) else str(target))
            else:
                fixed.append(e)
        out[key] = fixed[0] if isinstance(value, str) else fixed
    return out


def fetch_datasets(params: Mapping[str, Any], root: Path, mirror: str | None, log: Callable[[str], None]) -> None:
    """Download/verify every dataset the parameter set names (paths are left to the chapters)."""
    names = dataset_names(params, base=root)
    if not names:
        return
    try:
        from horizonlib.data import fetch
    except ModuleNotFoundError as exc:  # the data layer is not there: say so, chapters will fail
        if exc.name != "horizonlib.data.fetch":
            raise
        log("warning: horizonlib.data.fetch is missing; datasets are not fetched before the chapters run")
        return
    kwargs = {}
    sig = inspect.signature(fetch.fetch_all)
    if mirror is not None and "mirror" in sig.parameters:
        kwargs["mirror"] = mirror
    cwd = os.getcwd()
    os.chdir(root)  # the cache (data/raw) is relative to the repository root, as in the chapters
    try:
        fetch.fetch_all(names, **kwargs)
    except Exception as exc:  # any failure to get data stops the build, with the fetch's own message
        raise BuildError(f"fetching datasets {names} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        os.chdir(cwd)


def _replace_dir(new: Path, dest: Path) -> None:
    """Put ``new`` at ``dest``, removing what was there (rename old aside first, then delete)."""
    old = None
    if dest.exists():
        old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        dest.rename(old)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(new), str(dest))
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _error_text(exc: BaseException) -> str:
    return _ANSI.sub("", str(exc)).strip()


# --- chapters ---------------------------------------------------------------------------------


def execute_chapter(
    source: Path,
    output: Path,
    parameters: Mapping[str, Any],
    cwd: Path,
    final_results_dir: str,
) -> None:
    """Convert one jupytext chapter to a notebook and execute it with papermill.

    Parameters
    ----------
    source : Path
        ``chapters/<name>.md`` (jupytext MyST).
    output : Path
        Executed notebook to write (``.ipynb``).
    parameters : mapping
        Injected after the chapter's ``parameters`` cell.
    cwd : Path
        Working directory of the kernel (the repository root).
    final_results_dir : str
        Where the results will live after a successful build; shown instead of the staging
        path in the rendered (hidden) injected-parameters cell.

    Raises
    ------
    BuildError
        The chapter raised; the message names the cell (1-based, as in the source file's
        code cells order) and the error.
    """
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = jupytext.read(source)
    nb.metadata.setdefault("kernelspec", {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"})
    nb.metadata["kernelspec"]["name"] = KERNEL_NAME
    declared = declared_parameters(nb)
    if declared is None:
        raise BuildError(f"{source}: no code cell is tagged 'parameters', so the edition's parameters "
                         "cannot be injected (add `:tags: [parameters]` to the cell that sets them)")
    # inject only what the chapter declares: its page then shows exactly the values it used
    injected = {k: v for k, v in parameters.items() if k in declared}
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            nb, str(output), parameters=injected, kernel_name=KERNEL_NAME, cwd=str(cwd),
            progress_bar=False, log_output=False, report_mode=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except PapermillExecutionError as exc:
        raise BuildError(_describe_cell_error(output, exc)) from None
    except Exception as exc:  # kernel died, timeout, bad notebook: still this chapter's failure
        raise BuildError(f"{source}: {type(exc).__name__}: {_error_text(exc)}") from None
    _tidy_executed(output, parameters, final_results_dir)


def declared_parameters(nb: Any) -> set[str] | None:
    """Names assigned in the cell tagged ``parameters`` (None when there is no such cell)."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names: set[str] = set()
            for node in ast.walk(ast.parse(cell.source)):
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            return names
    return None


def _kernel_manager_class() -> type:
    """nbclient's kernel manager with CurveZMQ transport encryption when the kernel supports it.

    (ipykernel warns on every start when its TCP sockets are unencrypted.)
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    if not zmq.has("curve"):
        return AsyncKernelManager

    class EncryptedKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _default_transport_encryption(self) -> str:
            return "auto"

    return EncryptedKernelManager


def _describe_cell_error(output: Path, exc: Any) -> str:
    """Cell number in the chapter's own numbering (code cells, 1-based, injected cell not counted)."""
    import nbformat

    where = f"cell {exc.cell_index}"
    try:
        nb = nbformat.read(output, as_version=4)
        code_no = 0
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type != "code" or "injected-parameters" in tags:
                continue
            code_no += 1
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                where = f"code cell {code_no} (starting {first!r})"
                break
    except Exception:  # the notebook may be unreadable; the exception still says what went wrong
        pass
    tb = "\n".join(_ANSI.sub("", line) for line in (exc.traceback or [])[-12:])
    return f"{where}: {exc.ename}: {_ANSI.sub('', str(exc.evalue))}\n{tb}".rstrip()


def _tidy_executed(output: Path, parameters: Mapping[str, Any], final_results_dir: str) -> None:
    """Hide papermill's injected cell in the page and show the final, not the staging, results path."""
    import nbformat

    nb = nbformat.read(output, as_version=4)
    staging = str(parameters.get("results_dir", ""))
    for cell in nb.cells:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags:
            if "hide-cell" not in tags:
                tags.append("hide-cell")
            if staging:
                cell.source = cell.source.replace(staging, final_results_dir)
    nbformat.write(nb, output)


# --- input checks -----------------------------------------------------------------------------


class InputError(ValueError):
    """An input file other than a run file is unusable (release dates, hack flags).

    The message names the parameter, the file and what is wrong. Run files raise
    :class:`horizonlib.data.runs.RunFileError` instead (file, line, field, value, reason).
    """


#: Parameter keys whose entries are run files (dataset names or JSONL paths).
RUN_KEYS = ("runs", "rebench_runs")


def check_run_entry(entry: str | Path) -> "pandas.DataFrame":  # noqa: F821 - imported lazily
    """Load one run source and check what the chapters rely on beyond single lines.

    :func:`horizonlib.data.runs.load_runs` validates every line (types, ranges, duplicate run ids);
    this adds the checks across lines: the file holds model runs (not only human baselines),
    and every task id belongs to one task family (the hierarchical bootstrap resamples tasks
    within families).

    Parameters
    ----------
    entry : str or Path
        A manifest dataset name or a JSON Lines path.

    Returns
    -------
    pandas.DataFrame
        The tidy runs table of ``entry``, human baselines dropped (as ``load_runs`` returns it).

    Raises
    ------
    horizonlib.data.runs.RunFileError
        Malformed or inconsistent file: names the file, the line, the field, the value and why.
    horizonlib.data.fetch.DataFetchError
        ``entry`` is neither a file nor a dataset that can be obtained.
    """
    from horizonlib.data.runs import HUMAN_ALIAS, RunFileError, load_runs

    table = load_runs([entry], include_humans=True)
    files = _run_files(entry)
    models = table[table["alias"] != HUMAN_ALIAS]
    if models.empty:
        where = files[0] if len(files) == 1 else Path(str(entry))
        raise RunFileError(where, None, "alias", sorted(set(table["alias"])),
                           f"has no model runs: every run is a human baseline (alias "
                           f"'{HUMAN_ALIAS}'), so there is nothing to fit")
    families = table.groupby("task_id", sort=True)["task_family"].nunique()
    split = families[families > 1]
    if not split.empty:
        raise _family_conflict(files, str(split.index[0]))
    return models


def _run_files(entry: str | Path) -> list[Path]:
    """The file(s) behind a run source (a path, or a manifest dataset's verified files)."""
    from horizonlib.data.fetch import resolve

    return [Path(p) for p in resolve(entry)]


def _family_conflict(files: list[Path], task_id: str) -> Exception:
    """RunFileError at the first line that gives ``task_id`` a second task family."""
    import json

    from horizonlib.data.runs import RunFileError

    first: tuple[str, Path, int] | None = None
    for path in files:
        with path.open("rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if task_id.encode() not in raw:
                    continue
                obj = json.loads(raw)
                if not isinstance(obj, dict) or obj.get("task_id") != task_id:
                    continue
                family = obj.get("task_family")
                if first is None:
                    first = (family, path, n)
                elif family != first[0]:
                    at = f"line {first[2]}" + ("" if path == first[1] else f" of {first[1].name}")
                    return RunFileError(path, n, "task_family", family,
                                        f"differs from task '{task_id}''s family {first[0]!r} on "
                                        f"{at} (a task belongs to exactly one family)")
    return RunFileError(files[0], None, "task_family", task_id, "task is listed under several families")


def check_inputs(params: Mapping[str, Any], root: str | Path | None = None) -> dict[str, Any]:
    """Validate every input file a parameter set names, before any chapter runs.

    Run files (``runs``, ``rebench_runs``) with :func:`check_run_entry`; release-date files
    (``release_dates``) and the optional hack-flag CSV (``hack_flags``) with their loaders.
    Relative paths are taken from ``root`` (the chapters' working folder). Datasets must
    already be fetched (or be obtainable).

    Parameters
    ----------
    params : mapping
        A loaded parameter set (:func:`horizonlib.build.params.load_params`).
    root : str or Path, optional
        Folder relative paths are resolved from (default: the current folder).

    Returns
    -------
    dict
        ``datasets``, ``models`` and ``runs``: counts over the ``runs`` entries.

    Raises
    ------
    horizonlib.data.runs.RunFileError
        A run file is malformed (file, line, field, value, reason).
    horizonlib.data.fetch.DataFetchError
        A dataset cannot be obtained.
    InputError
        A release-date or hack-flag file is unusable.
    """
    cwd = os.getcwd()
    if root is not None:
        os.chdir(root)
    try:
        tables = {}
        for key in RUN_KEYS:
            for entry in params.get(key) or []:
                if entry not in tables:
                    tables[entry] = check_run_entry(entry)
        try:
            from horizonlib.data.published import load_release_dates

            load_release_dates(params.get("release_dates") or [])
        except (ValueError, OSError, yaml.YAMLError) as exc:
            raise InputError(f"release_dates {params.get('release_dates')}: {exc}") from None
        if params.get("hack_flags"):
            import pandas as pd

            from horizonlib.analyses.hacking.flags import load_hack_flags

            runs = pd.concat([tables[e] for e in params["runs"]], ignore_index=True)
            try:
                load_hack_flags(params["hack_flags"], runs)
            except (ValueError, OSError) as exc:
                raise InputError(f"hack_flags: {exc}") from None
    finally:
        os.chdir(cwd)
    main = [tables[e] for e in params.get("runs") or []]
    return {"datasets": len(main),
            "models": sum(t.groupby(["dataset", "alias"]).ngroups for t in main),
            "runs": sum(len(t) for t in main)}


# --- the build --------------------------------------------------------------------------------


def build_book(
    params_path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    out: str | Path = "_build",
    root: str | Path | None = None,
    mirror: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    toc: str | Path | None = None,
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
        return _build(params_path, overrides, out, root, mirror, log, toc, invocation_dir, t_start)
    except BaseException:
        # never leave a book that could be mistaken for this run's output
        for stale in (out / "html", out / "results", out / "notebooks", out / "params.yml"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            elif stale.exists():
                stale.unlink()
        raise


def _build(params_path, overrides, out: Path, root: Path, mirror, log, toc, invocation_dir: Path,
           t_start: float) -> Path:
    params_path = Path(params_path)
    params = load_params(params_path, overrides)
    params = _absolutize_paths(params, invocation_dir, root)
    if mirror is not None:
        os.environ["HORIZON_DATA_MIRROR"] = str(Path(mirror).resolve())
    mirror_env = os.environ.get("HORIZON_DATA_MIRROR")

    toc_path = (invocation_dir / Path(toc)).resolve() if toc is not None else root / "_toc.yml"
    if not toc_path.is_file():
        raise BuildError(f"{toc_path} not found: is {root} the book's folder?")
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = toc_files(toc)
    skipped: list[str] = []
    if params.get("chapters"):
        wanted = [_strip_ext(c) for c in params["chapters"]]
        unknown = [c for c in wanted if c not in files]
        if unknown:
            raise BuildError(f"chapters {unknown} are not in {toc_path} (it lists {files})")
        # Chapters left out stay in the book as a one-paragraph page saying so: links to them
        # still resolve (the build keeps -W), and nothing looks like a result it is not.
        skipped = [f for f in files[1:] if f not in wanted]

    sources = []
    for f in files:
        candidates = [root / f"{f}.md", root / f"{f}.ipynb"]
        src = next((c for c in candidates if c.is_file()), None)
        if src is None:
            raise BuildError(f"{toc_path} lists '{f}' but neither {f}.md nor {f}.ipynb exists")
        sources.append(src)
    notebooks = [s for s in sources if s.suffix == ".md" and is_notebook_source(s)
                 and _strip_ext(str(s.relative_to(root))) not in skipped]
    # The root page summarizes every other chapter's results (results_dir), so a notebook root
    # is executed last although it is shown first.
    if notebooks and notebooks[0] == sources[0]:
        notebooks = notebooks[1:] + notebooks[:1]

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
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-", dir=out))
    stage = tmp / "book"
    results = tmp / "results"
    executed = tmp / "notebooks"
    try:
        stage.mkdir()
        results.mkdir()
        executed.mkdir()
        for name in STAGE_FILES:
            if (root / name).is_file():
                shutil.copy2(root / name, stage / name)
        (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
        for name in STAGE_DIRS:
            if (root / name).is_dir():
                shutil.copytree(root / name, stage / name)
        # non-notebook pages are copied as they are; notebook chapters are executed below
        for src in sources:
            rel = src.relative_to(root)
            if src in notebooks:
                continue
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            if _strip_ext(str(rel)) in skipped:
                (stage / rel).with_suffix(".md").write_text(
                    placeholder_page(src, params["chapters"]), encoding="utf-8")
            else:
                shutil.copy2(src, stage / rel)
        # figures or data files that sit next to chapters (not other chapters' sources)
        for folder in sorted({s.parent for s in sources} - {root}):
            for item in folder.iterdir():
                if item.is_file() and item.suffix not in (".md", ".ipynb") and not item.name.startswith("."):
                    dest = stage / item.relative_to(root)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(item, dest)

        chapter_params = {k: v for k, v in params.items() if k not in NOT_CHAPTER_PARAMETERS}
        chapter_params["results_dir"] = str(results)
        chapter_params["params_file"] = str(params_path)
        final_results = os.path.relpath(out / "results", root) if out.is_relative_to(root) else str(out / "results")
        with _kernel_environment():
            _execute_all(notebooks, root, stage, executed, out, chapter_params, final_results, log,
                         t_start)

        t0 = time.perf_counter()
        log(f"[html] jupyter-book build (warnings are errors) … elapsed "
            f"{_clock(time.perf_counter() - t_start)}")
        run_jupyter_book(stage)
        log(f"[html] jupyter-book build … {time.perf_counter() - t0:.1f} s")

        _replace_dir(stage / "_build" / "html", out / "html")
        _replace_dir(results, out / "results")
        _replace_dir(executed, out / "notebooks")
        (out / "params.yml").write_text(
            "# Effective parameters of the last successful build (after overrides).\n"
            + yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
        failed_dir = out / "failed"
        if failed_dir.exists():
            shutil.rmtree(failed_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"[book] done in {_clock(time.perf_counter() - t_start)}: {out / 'html' / 'index.html'}; "
        f"results in {out / 'results'}")
    return out / "html"


class _kernel_environment:
    """Environment of the chapter kernels for the duration of the build.

    * ``MPLBACKEND`` is removed: a global one (e.g. Agg on a headless machine) would stop
      ipykernel from using its inline backend, and figures would vanish from the pages;
    * ``PYTHONHASHSEED`` is fixed (unless set) so that any iteration over sets of strings is
      the same in every build; results must not depend on it, and this makes sure they can't.
    """

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in ("MPLBACKEND", "PYTHONHASHSEED")}
        os.environ.pop("MPLBACKEND", None)
        os.environ.setdefault("PYTHONHASHSEED", "0")

    def __exit__(self, *exc: Any) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _clock(seconds: float) -> str:
    """``73.4`` -> ``"1:13"`` (minutes:seconds) — elapsed wall time on progress lines."""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


#: Seconds between "still running" lines while one chapter executes.
HEARTBEAT_S = 30.0


def _execute_all(notebooks: list[Path], root: Path, stage: Path, executed: Path, out: Path,
                 chapter_params: Mapping[str, Any], final_results: str, log: Callable[[str], None],
                 t_start: float | None = None) -> None:
    """Execute the chapters in order; stop at the first failure (its notebook goes to out/failed).

    Logs ``[i/n] chapter …`` when a chapter starts, a ``still running`` line every
    :data:`HEARTBEAT_S` seconds while it runs, and its time and the total elapsed time when
    it ends.
    """
    import threading

    t_start = time.perf_counter() if t_start is None else t_start
    n = len(notebooks)
    for i, src in enumerate(notebooks, start=1):
        rel = src.relative_to(root)
        t0 = time.perf_counter()
        target = stage / rel.with_suffix(".ipynb")
        log(f"[{i}/{n}] {rel} … running (elapsed {_clock(t0 - t_start)})")
        done = threading.Event()

        def heartbeat(i: int = i, rel: Path = rel, t0: float = t0) -> None:
            while not done.wait(HEARTBEAT_S):
                log(f"[{i}/{n}] {rel} … still running, {time.perf_counter() - t0:.0f} s")

        beat = threading.Thread(target=heartbeat, daemon=True)
        beat.start()
        try:
            execute_chapter(src, target, chapter_params, root, final_results)
        except BuildError as exc:
            failed = out / "failed" / rel.with_suffix(".ipynb").name
            failed.parent.mkdir(parents=True, exist_ok=True)
            if target.is_file():
                shutil.copy2(target, failed)
            log(f"[{i}/{n}] {rel} FAILED after {time.perf_counter() - t0:.1f} s")
            raise BuildError(f"chapter {rel} failed in {exc}\n(executed notebook kept at {failed})") from None
        finally:
            done.set()
            beat.join()
        shutil.copy2(target, executed / target.name)
        now = time.perf_counter()
        log(f"[{i}/{n}] {rel} … {now - t0:.1f} s (elapsed {_clock(now - t_start)})")


def jupyter_book_executable() -> list[str]:
    """The ``jupyter-book`` of this interpreter's environment (the venv), as a command prefix."""
    exe = Path(sys.executable).parent / "jupyter-book"
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found is None:
        raise BuildError("jupyter-book is not installed in this environment (pip install -r requirements.txt)")
    return [found]


def run_jupyter_book(stage: Path) -> None:
    """Render ``stage`` to ``stage/_build/html`` with warnings as errors; raise BuildError on failure."""
    cmd = jupyter_book_executable() + ["build", str(stage), "--builder", "html", "-n", "-W", "--keep-going"]
    proc = subprocess.run(cmd, cwd=stage, capture_output=True, text=True)
    if proc.returncode != 0 or not (stage / "_build" / "html" / "index.html").is_file():
        text = _ANSI.sub("", proc.stdout + "\n" + proc.stderr)
        lines = [ln for ln in text.splitlines() if ln.strip()]
        # Sphinx warnings name the file: show them first, then the tail of the log
        warnings = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        detail = "\n".join(warnings[:40] or lines[-40:])
        # name the chapter, not the staging copy, in the messages
        detail = detail.replace(f"{stage}{os.sep}", "")
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}):\n{detail}")
