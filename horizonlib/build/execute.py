"""Executing the chapters: each jupytext chapter converted to a notebook and run by papermill.

The parameters are injected after the chapter's ``parameters`` cell (only the names it
declares); the kernel ``python3`` is this interpreter, its working directory the repository
root, with a fixed ``PYTHONHASHSEED`` (:class:`kernel_environment`). :func:`execute_all` runs
the chapters, up to ``jobs`` at once (the root page last, alone), logs ``[i/n] chapter …``
progress lines with each chapter's time in seconds and the elapsed wall time, and stops at the
first failure, naming the chapter's cell and error and keeping its notebook under
``<out>/failed/``.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping

from horizonlib.build.errors import ANSI, BuildError, error_text

KERNEL_NAME = "python3"
#: Seconds between "still running" lines while one chapter executes.
HEARTBEAT_S = 30.0


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
        raise BuildError(f"{source}: {type(exc).__name__}: {error_text(exc)}") from None
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
    tb = "\n".join(ANSI.sub("", line) for line in (exc.traceback or [])[-12:])
    return f"{where}: {exc.ename}: {ANSI.sub('', str(exc.evalue))}\n{tb}".rstrip()


def _tidy_executed(output: Path, parameters: Mapping[str, Any], final_results_dir: str) -> None:
    """Hide papermill's injected cell in the page and show the final, not the staging, results path."""
    import nbformat

    nb = nbformat.read(output, as_version=4)
    # staging paths change with every build: the page shows where the files end up instead
    shown = {str(parameters.get("results_dir", "")): final_results_dir,
             str(parameters.get("cache_dir", "")): "(the build's temporary cache)"}
    for cell in nb.cells:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags:
            if "hide-cell" not in tags:
                tags.append("hide-cell")
            for staging, final in shown.items():
                if staging:
                    cell.source = cell.source.replace(staging, final)
    nbformat.write(nb, output)


class kernel_environment:
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


def clock(seconds: float) -> str:
    """``73.4`` -> ``"1:13"`` (minutes:seconds) — elapsed wall time on progress lines."""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def default_jobs() -> int:
    """Chapters executed at once by default: one per core, at most 2 (a chapter's kernel takes
    about half a gigabyte; more kernels than cores only interleave)."""
    return max(1, min(2, os.cpu_count() or 1))


def execute_all(notebooks: list[Path], root: Path, stage: Path, executed: Path, out: Path,
                chapter_params: Mapping[str, Any], final_results: str, log: Callable[[str], None],
                t_start: float | None = None, jobs: int = 1,
                last_alone: Path | None = None) -> None:
    """Execute the chapters, ``jobs`` at a time; stop at the first failure (its notebook goes to
    out/failed).

    Chapters do not read one another's output, except ``last_alone`` (the root page, which reads
    every chapter's results): it runs after all the others, by itself. Chapters started together
    share only the build's cache (written atomically) and the results files several of them add
    to (updated under a lock, :func:`horizonlib.report.results.append_results`), so the results
    are the same whatever ``jobs`` is. On a failure no further chapter starts; the ones running
    finish, and the first failure is raised.

    Logs ``[i/n] chapter …`` when a chapter starts, a ``still running`` line every
    :data:`HEARTBEAT_S` seconds while it runs, and its time and the total elapsed time when
    it ends (``i`` is the chapter's place in the table of contents).
    """
    t_start = time.perf_counter() if t_start is None else t_start
    number = {src: i for i, src in enumerate(notebooks, start=1)}
    stop = threading.Event()

    def run(src: Path) -> None:
        if stop.is_set():
            return
        try:
            _execute_one(src, number[src], len(notebooks), root, stage, executed, out,
                         chapter_params, final_results, log, t_start)
        except BaseException:
            stop.set()
            raise
        finally:
            # papermill's client ran on the event loop jupyter_core keeps for this thread: close
            # it here rather than leave it to the garbage collector (a ResourceWarning)
            from jupyter_core.utils import ensure_event_loop

            ensure_event_loop().close()

    first = [s for s in notebooks if s != last_alone]
    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = [pool.submit(run, src) for src in first]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if failed:
        raise failed[0]
    if last_alone in number:
        with ThreadPoolExecutor(max_workers=1) as pool:  # on a thread of its own, as the others
            pool.submit(run, last_alone).result()


def _execute_one(src: Path, i: int, n: int, root: Path, stage: Path, executed: Path, out: Path,
                 chapter_params: Mapping[str, Any], final_results: str,
                 log: Callable[[str], None], t_start: float) -> None:
    """One chapter of :func:`execute_all`, with its progress lines."""
    rel = src.relative_to(root)
    t0 = time.perf_counter()
    target = stage / rel.with_suffix(".ipynb")
    log(f"[{i}/{n}] {rel} … running (elapsed {clock(t0 - t_start)})")
    done = threading.Event()

    def heartbeat() -> None:
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
    log(f"[{i}/{n}] {rel} … {now - t0:.1f} s (elapsed {clock(now - t_start)})")
