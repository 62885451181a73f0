"""Rendering and publishing: the staged, executed chapters to static HTML, then into ``<out>``.

:func:`run_jupyter_book` renders the staging folder with ``jupyter-book build -n -W
--keep-going`` (the book never executes anything itself: ``execute_notebooks: off``).
:func:`publish` replaces ``<out>/html``, ``<out>/results`` and ``<out>/notebooks`` with the new
ones and writes ``<out>/params.yml`` — only after every step succeeded; after a failure
:func:`remove_outputs` removes them, so a stale book is never mistaken for this run's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import yaml

from horizonlib.build.errors import ANSI, BuildError
from horizonlib.report.results_schema import results_readme

#: What a successful build leaves in ``<out>`` (and a failed one removes).
OUTPUTS = ("html", "results", "notebooks", "params.yml")


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
        text = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
        lines = [ln for ln in text.splitlines() if ln.strip()]
        # Sphinx warnings name the file: show them first, then the tail of the log
        warnings = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        detail = "\n".join(warnings[:40] or lines[-40:])
        # name the chapter, not the staging copy, in the messages
        detail = detail.replace(f"{stage}{os.sep}", "")
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}):\n{detail}")


def replace_dir(new: Path, dest: Path) -> None:
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


def publish(stage: Path, results: Path, executed: Path, out: Path, params: Mapping[str, Any]) -> None:
    """Move the rendered book, the results and the executed notebooks into ``out``.

    Parameters
    ----------
    stage : Path
        The staging ``book/`` folder, rendered (``stage/_build/html``).
    results, executed : Path
        The staging ``results/`` and ``notebooks/`` folders.
    out : Path
        The output folder: its ``html``, ``results`` and ``notebooks`` are replaced, its
        ``params.yml`` rewritten (``params``, after overrides) and ``failed`` removed.
    params : mapping
        The effective parameter set.
    """
    replace_dir(stage / "_build" / "html", out / "html")
    (results / "README.md").write_text(results_readme(), encoding="utf-8")
    replace_dir(results, out / "results")
    replace_dir(executed, out / "notebooks")
    (out / "params.yml").write_text(
        "# Effective parameters of the last successful build (after overrides).\n"
        + yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    failed_dir = out / "failed"
    if failed_dir.exists():
        shutil.rmtree(failed_dir)


def remove_outputs(out: Path) -> None:
    """Remove :data:`OUTPUTS` from ``out`` (after a failed build)."""
    for stale in (out / name for name in OUTPUTS):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.exists():
            stale.unlink()
