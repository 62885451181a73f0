"""The book's table of contents and its chapter sources: which pages there are, in which order,
which of them are notebooks (executed by the build, and must show a figure once rendered) and
which a restricted build (parameter ``chapters``) leaves out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from horizonlib.build.errors import BuildError


def repo_root_default() -> Path:
    """The book's source folder: the current folder if it holds ``_toc.yml``, else this package's parent."""
    cwd = Path.cwd()
    if (cwd / "_toc.yml").is_file():
        return cwd
    return Path(__file__).resolve().parents[2]


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
    return [strip_ext(f) for f in out]


def strip_ext(name: str) -> str:
    """``"chapters/fit.md"`` -> ``"chapters/fit"`` (also ``.ipynb``; other names unchanged)."""
    for ext in (".md", ".ipynb"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


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


def chapter_sources(files: list[str], root: Path, toc_path: Path,
                    chapters: Iterable[str] | None) -> tuple[list[Path], list[Path], list[str]]:
    """The source file of every table-of-contents entry, and which of them are executed.

    Parameters
    ----------
    files : list of str
        The table of contents' entries (:func:`toc_files`), root page first.
    root : Path
        The book's source folder; entries are relative to it.
    toc_path : Path
        The table of contents file (named in the messages).
    chapters : iterable of str, optional
        The parameter ``chapters``: build only these (others become a placeholder page).

    Returns
    -------
    sources : list of Path
        ``<entry>.md`` or ``<entry>.ipynb`` of every entry, in order.
    notebooks : list of Path
        The jupytext chapters to execute, in execution order (a notebook root page last).
    skipped : list of str
        Entries left out by ``chapters``.

    Raises
    ------
    BuildError
        An entry of ``chapters`` is not in the table of contents, or an entry has no source.
    """
    skipped: list[str] = []
    if chapters:
        wanted = [strip_ext(c) for c in chapters]
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
                 and strip_ext(str(s.relative_to(root))) not in skipped]
    # The root page summarizes every other chapter's results (results_dir), so a notebook root
    # is executed last although it is shown first.
    if notebooks and notebooks[0] == sources[0]:
        notebooks = notebooks[1:] + notebooks[:1]
    return sources, notebooks, skipped


# --- pages of a rendered book -------------------------------------------------------------------


def _source_root(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else repo_root_default()


def _toc(root: Path) -> list[str]:
    """The ``file`` entries of ``root/_toc.yml`` (root page first); empty without one."""
    path = root / "_toc.yml"
    return toc_files(yaml.safe_load(path.read_text(encoding="utf-8"))) if path.is_file() else []


def book_pages(html_dir: str | Path, root: str | Path | None = None) -> list[str]:
    """Every rendered page of the book, root page first.

    Parameters
    ----------
    html_dir : str or Path
        The built book (``_build/html``).
    root : str or Path, optional
        The book's source folder, whose ``_toc.yml`` orders the pages (default: the current
        folder if it holds ``_toc.yml``, else this package's repository).

    Returns
    -------
    list of str
        Page paths relative to ``html_dir`` without ``.html``: the table of contents' pages
        that were rendered, in order, then any other ``chapters/*.html`` (a chapter added by
        another table of contents, e.g. ``chapters/template``).
    """
    html = Path(html_dir)
    pages = [f for f in _toc(_source_root(root)) if (html / f"{f}.html").is_file()]
    extra = sorted(p.relative_to(html).with_suffix("").as_posix() for p in (html / "chapters").glob("*.html"))
    return list(dict.fromkeys(pages + extra))


def analysis_pages(pages: Iterable[str], root: str | Path | None = None) -> set[str]:
    """The analysis pages among ``pages``: each must show at least one figure.

    Parameters
    ----------
    pages : iterable of str
        Page paths without ``.html`` (see :func:`book_pages`).
    root : str or Path, optional
        The book's source folder (default as in :func:`book_pages`).

    Returns
    -------
    set of str
        The pages whose source is a notebook (``<page>.ipynb``, or a jupytext ``<page>.md``),
        except the table of contents' root page (it summarizes the other chapters in words).
    """
    source = _source_root(root)
    toc = _toc(source)
    top = toc[0] if toc else None
    return {p for p in pages if p != top and ((source / f"{p}.ipynb").is_file() or (
        (source / f"{p}.md").is_file() and is_notebook_source(source / f"{p}.md")))}

