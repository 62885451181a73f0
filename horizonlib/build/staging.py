"""The staging folder: the book's sources copied for one build, and the chapters' parameters.

A build works in a fresh folder ``<out>/.tmp-<pid>-<random>/`` (:func:`make_staging`): ``book/``
receives the book's configuration, its static folders, the table of contents and every
non-notebook page (:func:`stage_book`; a chapter a restricted build leaves out becomes a
:func:`placeholder_page`), the executed chapters are written next to them, and ``results/`` and
``notebooks/`` collect the chapters' CSV files and executed notebooks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from horizonlib.build.params import DATASET_KEYS
from horizonlib.build.toc import strip_ext

#: Files and folders of the repository root copied into the staging folder (when present).
STAGE_FILES = ("_config.yml", "_toc.yml", "references.bib")
STAGE_DIRS = ("_static", "_vendor")
#: Parameter-set keys not passed to chapters.
NOT_CHAPTER_PARAMETERS = ("chapters",)


def absolutize_paths(params: dict[str, Any], base: Path, root: Path) -> dict[str, Any]:
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


def placeholder_page(source: Path, chapters: Iterable[str]) -> str:
    """The page standing in for a chapter a restricted build (``chapters``) left out."""
    title = next((line[2:].strip() for line in source.read_text(encoding="utf-8").splitlines()
                  if line.startswith("# ")), source.stem)
    return (f"# {title}\n\nThis chapter was not built in this run: the build was restricted to "
            f"{', '.join(f'`{c}`' for c in chapters)} (parameter `chapters`). Run `make book` "
            "for the whole book.\n")


def make_staging(out: Path) -> tuple[Path, Path, Path, Path]:
    """A fresh staging folder in ``out`` (created if needed).

    Returns
    -------
    tmp, stage, results, executed : Path
        The staging folder (the caller removes it), and its ``book/``, ``results/`` and
        ``notebooks/`` subfolders, created empty. ``tmp/cache`` holds what chapters share within
        the build (the bootstrap draws, :mod:`horizonlib.model.shared_draws`).
    """
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{os.getpid()}-", dir=out))
    stage, results, executed = tmp / "book", tmp / "results", tmp / "notebooks"
    for folder in (stage, results, executed, tmp / "cache"):
        folder.mkdir()
    return tmp, stage, results, executed


def stage_book(root: Path, stage: Path, toc: Mapping[str, Any], sources: list[Path],
               notebooks: list[Path], skipped: list[str], chapters: Iterable[str] | None) -> None:
    """Copy into ``stage`` everything jupyter-book needs except the executed chapters.

    Parameters
    ----------
    root : Path
        The book's source folder.
    stage : Path
        The staging ``book/`` folder.
    toc : mapping
        The table of contents to build (written as ``stage/_toc.yml``).
    sources : list of Path
        Every page's source (:func:`horizonlib.build.toc.chapter_sources`).
    notebooks : list of Path
        The chapters that will be executed into ``stage`` (not copied here).
    skipped : list of str
        Entries left out by the parameter ``chapters``: each becomes a placeholder page.
    chapters : iterable of str, optional
        The parameter ``chapters`` (named on the placeholder pages).
    """
    for name in STAGE_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, stage / name)
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    for name in STAGE_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, stage / name)
    # non-notebook pages are copied as they are; notebook chapters are executed
    for src in sources:
        rel = src.relative_to(root)
        if src in notebooks:
            continue
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        if strip_ext(str(rel)) in skipped:
            (stage / rel).with_suffix(".md").write_text(
                placeholder_page(src, chapters), encoding="utf-8")
        else:
            shutil.copy2(src, stage / rel)
    # figures or data files that sit next to chapters (not other chapters' sources)
    for folder in sorted({s.parent for s in sources} - {root}):
        for item in folder.iterdir():
            if item.is_file() and item.suffix not in (".md", ".ipynb") and not item.name.startswith("."):
                dest = stage / item.relative_to(root)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, dest)


def chapter_parameters(params: Mapping[str, Any], results: Path, params_path: Path) -> dict[str, Any]:
    """What the chapters receive: the parameter set (less :data:`NOT_CHAPTER_PARAMETERS`) plus
    ``results_dir`` (the staging ``results/``), ``cache_dir`` (the build's shared cache, beside
    it) and ``params_file``."""
    chapter_params = {k: v for k, v in params.items() if k not in NOT_CHAPTER_PARAMETERS}
    chapter_params["results_dir"] = str(results)
    chapter_params["cache_dir"] = str(results.parent / "cache")
    chapter_params["params_file"] = str(params_path)
    return chapter_params
