"""Whole-book tests: each edition builds from scratch, and a broken chapter builds nothing.

Each edition is built once per test session (session-scoped fixtures) into a temporary output
folder; the real repository's chapters and ``_toc.yml`` are used. The machinery tests use a tiny
temporary copy of the repository with two small chapters of their own.
"""

import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from horizonlib.build.book import build_book
from horizonlib.build.errors import BuildError
from horizonlib.build.toc import is_notebook_source, toc_files

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.book


def _notebooks() -> list[str]:
    """Every executed page of the toc (root included): the jupytext notebook chapters."""
    files = toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    return [f for f in files if (REPO / f"{f}.md").is_file() and is_notebook_source(REPO / f"{f}.md")]


def _chapters() -> list[str]:
    """The analysis chapters: every notebook but the root summary page."""
    root = toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))[0]
    return [f for f in _notebooks() if f != root]


# The edition builds (synthetic_book, offline_book, forked_book) are session fixtures of
# tests/conftest.py, shared with test_rerun.py, test_determinism.py and test_browser.py.


@pytest.fixture(params=["synthetic", "offline"])
def built(request) -> Path:
    return request.getfixturevalue(f"{request.param}_book")


def test_every_chapter_page_is_there_with_figures_and_no_errors(built):
    html = built / "html"
    assert (html / "index.html").is_file()
    for chapter in _notebooks():
        page = html / f"{chapter}.html"
        assert page.is_file(), chapter
        text = page.read_text(encoding="utf-8")
        if chapter in _chapters():
            assert "<img" in text, f"{chapter}: no figure"
        assert "Traceback" not in text, chapter
        for bad in ('class="output stderr"', "output traceback", "output error"):
            assert bad not in text, f"{chapter}: {bad}"


def test_results_and_notebooks_are_kept(built):
    csvs = list((built / "results").glob("*.csv"))
    assert csvs, "no results CSV"
    assert all(p.stat().st_size > 0 for p in csvs)
    assert {p.stem for p in (built / "notebooks").glob("*.ipynb")} == {Path(c).name for c in _notebooks()}
    assert not list(built.glob(".tmp-*")), "staging folder left behind"
    assert not (built / "failed").exists()


def test_math_uses_the_vendored_mathjax(built):
    html = built / "html"
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (html / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net" not in text, page
        for src in re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', text, flags=re.I):
            assert "_static/mathjax/tex-chtml.js" in src and "://" not in src, (page, src)


def test_effective_parameters_are_recorded(synthetic_book):
    params = yaml.safe_load((synthetic_book / "params.yml").read_text())
    assert params["edition"] == "synthetic" and params["runs"] == ["synthetic"]


# --- the machinery, on a tiny copy of the repository ----------------------------------------

CHAPTER = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    # {title}

    ```{{code-cell}} ipython3
    :tags: [parameters]
    runs = ["x"]
    n_bootstrap = 1
    results_dir = "_build/results"
    ```

    ```{{code-cell}} ipython3
    import os, sys
    from pathlib import Path
    import matplotlib.pyplot as plt
    from myst_nb import glue
    Path(results_dir).mkdir(parents=True, exist_ok=True)
    Path(results_dir, "{name}.csv").write_text(
        "executable,cwd,runs,n_bootstrap\\n" + ",".join([sys.executable, os.getcwd(), "|".join(runs), str(n_bootstrap)]) + "\\n")
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    glue("{name}_fig", fig, display=False)
    glue("{name}_n", n_bootstrap, display=False)
    {extra}
    ```

    There were {{glue:text}}`{name}_n` replicates; $P = \\sigma(a + b x)$.

    ```{{glue:figure}} {name}_fig
    :name: fig-{name}

    A figure.
    ```

    See {{numref}}`{ref}`.
    ''')


def _tiny_repo(base: Path, *, extra: str = "", ref: str = "fig-two") -> Path:
    root = base / "repo"
    root.mkdir()
    for name in ("_config.yml", "intro.md"):
        shutil.copy2(REPO / name, root / name)
    shutil.copytree(REPO / "_vendor", root / "_vendor")
    (root / "params").mkdir()
    shutil.copy2(REPO / "params" / "synthetic.yml", root / "params" / "synthetic.yml")
    shutil.copy2(REPO / "params" / "synthetic-release-dates.yaml", root / "params")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n"
                                   "  - file: chapters/one\n  - file: chapters/two\n")
    (root / "chapters").mkdir()
    (root / "chapters" / "one.md").write_text(CHAPTER.format(title="One", name="one", extra="", ref="fig-one"))
    (root / "chapters" / "two.md").write_text(CHAPTER.format(title="Two", name="two", extra=extra, ref=ref))
    return root


@pytest.fixture(scope="session")
def tiny_book(tmp_path_factory) -> Path:
    root = _tiny_repo(tmp_path_factory.mktemp("tiny"))
    build_book(root / "params" / "synthetic.yml", overrides={"n_bootstrap": 7}, out=root / "_build",
               root=root, log=lambda line: None)
    return root


def test_chapters_run_in_the_venv_kernel_from_the_repo_root(tiny_book):
    exe, cwd, runs, n = (tiny_book / "_build" / "results" / "one.csv").read_text().splitlines()[1].split(",")
    assert Path(exe).resolve() == Path(sys.executable).resolve()
    assert Path(cwd).resolve() == tiny_book.resolve()
    assert runs == "synthetic" and n == "7"  # parameters injected, overrides applied
    page = (tiny_book / "_build" / "html" / "chapters" / "two.html").read_text()
    assert "There were 7 replicates" in re.sub(r"<[^>]+>", "", page)
    assert "<img" in page


def test_injected_parameters_cell_is_hidden_and_shows_the_final_results_path(tiny_book):
    import nbformat

    nb = nbformat.read(tiny_book / "_build" / "notebooks" / "one.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "hide-cell" in injected[0].metadata["tags"]
    assert "_build/results" in injected[0].source and ".tmp-" not in injected[0].source
    assert "edition" not in injected[0].source  # only what the chapter declares is injected


def test_chapters_parameter_restricts_the_build(tmp_path):
    root = _tiny_repo(tmp_path, ref="fig-two")
    build_book(root / "params" / "synthetic.yml", overrides={"chapters": ["chapters/two"]},
               out=root / "_build", root=root, log=lambda line: None)
    assert (root / "_build" / "html" / "chapters" / "two.html").is_file()
    # the chapter left out is a page saying so (links to it resolve), and was not executed
    left_out = (root / "_build" / "html" / "chapters" / "one.html").read_text()
    assert "not built in this run" in left_out and "<img" not in left_out
    assert not (root / "_build" / "notebooks" / "one.ipynb").exists()


def test_failing_chapter_exits_nonzero_and_leaves_no_html(tmp_path):
    root = _tiny_repo(tmp_path, extra='raise ValueError("deliberately broken")')
    out = root / "_build"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("stale book from an earlier build")
    proc = subprocess.run(
        [sys.executable, "-m", "horizonlib", "book", "--params", "params/synthetic.yml", "--out", "_build"],
        cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[1/2] chapters/one.md" in proc.stdout
    assert "chapters/two.md" in proc.stderr and "ValueError: deliberately broken" in proc.stderr
    assert re.search(r"code cell 2", proc.stderr)
    assert not (out / "html").exists(), "a stale or partial book was left in place"
    assert not (out / "results").exists()
    assert (out / "failed" / "two.ipynb").is_file()
    assert not list(out.glob(".tmp-*"))


def test_sphinx_warning_fails_the_build(tmp_path):
    root = _tiny_repo(tmp_path, ref="fig-does-not-exist")
    with pytest.raises(BuildError, match=r"chapters/two\.ipynb.*undefined label"):
        build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root, log=lambda line: None)
    assert not (root / "_build" / "html").exists()


def test_chapter_printing_to_stderr_fails_the_build(tmp_path):
    root = _tiny_repo(tmp_path, extra='print("oops", file=sys.stderr)')
    with pytest.raises(BuildError, match="stderr"):
        build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root, log=lambda line: None)


def test_missing_chapter_file_is_an_error(tmp_path):
    root = _tiny_repo(tmp_path)
    (root / "chapters" / "two.md").unlink()
    with pytest.raises(BuildError, match="chapters/two"):
        build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root, log=lambda line: None)


# --- the fork template, the fork guide, progress lines (issue 7) --------------------------------


def test_template_chapter_is_not_in_the_default_toc():
    assert "chapters/template" not in toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    assert is_notebook_source(REPO / "chapters" / "template.md")


def test_template_chapter_builds_when_enabled(forked_book):
    """``forked_book`` (tests/conftest.py) builds the book with a table of contents that adds
    chapters/template.md: the page renders with its figure, and its results file is written."""
    import pandas as pd

    from horizonlib.report.results_schema import SCHEMA

    page = forked_book / "html" / "chapters" / "template.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert "<img" in text and "Traceback" not in text
    assert 'id="fig-template-curves"' in text
    table = pd.read_csv(forked_book / "results" / "template.csv")
    assert list(table.columns) == SCHEMA["template"].column_names
    assert set(table["p"]) == {0.2, 0.5, 0.8, 0.95}
    assert (forked_book / "notebooks" / "template.ipynb").is_file()


def test_template_follows_the_chapter_rules():
    """What the fork guide promises about the template: a parameters cell whose edition keys are
    injected, no function definitions, results only through horizonlib.report.results."""
    import jupytext

    from horizonlib.build.execute import declared_parameters
    from horizonlib.build.params import SCHEMA

    nb = jupytext.read(REPO / "chapters" / "template.md")
    declared = declared_parameters(nb)
    assert declared and {"runs", "results_dir", "seed", "n_bootstrap"} <= declared
    assert declared - set(SCHEMA) == {"results_dir", "cache_dir", "template_percents"}
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "def " not in code and "for " not in code and "open(" not in code
    assert 'write_results(with_model_keys(horizons), "template", results_dir)' in code


def test_fork_guide_is_in_the_book_and_documents_every_parameter(synthetic_book):
    from horizonlib.build.params import SCHEMA

    assert "chapters/fork" in toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    page = synthetic_book / "html" / "chapters" / "fork.html"
    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    for needle in ("chapters/template.md", "_toc.yml", "write_results", "append_results",
                   "data/sources.yml", "sha256", "make check RUNS=", "TOC="):
        assert needle in text, needle
    source = (REPO / "chapters" / "fork.md").read_text(encoding="utf-8")
    undocumented = [key for key in SCHEMA if f"| `{key}` |" not in source]
    assert not undocumented, f"add these parameter keys to the table in chapters/fork.md: {undocumented}"


def test_progress_lines_name_the_chapter_and_the_elapsed_time(tmp_path, monkeypatch):
    from horizonlib.build import execute

    monkeypatch.setattr(execute, "HEARTBEAT_S", 0.05)  # a "still running" line during each chapter
    root = _tiny_repo(tmp_path)
    lines: list[str] = []
    build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root, log=lines.append)
    text = "\n".join(lines)
    assert re.search(r"^\[check\] input files valid: 2,167 runs of 6 models", text, re.M)
    assert re.search(r"^\[1/2\] chapters/one\.md … running \(elapsed 0:\d\d\)$", text, re.M)
    assert re.search(r"^\[1/2\] chapters/one\.md … still running, \d+ s$", text, re.M)
    assert re.search(r"^\[2/2\] chapters/two\.md … [\d.]+ s \(elapsed \d+:\d\d\)$", text, re.M)
    assert re.search(r"^\[book\] done in \d+:\d\d", text, re.M)


def test_another_toc_can_be_built_and_a_missing_one_is_an_error(tmp_path):
    root = _tiny_repo(tmp_path)
    toc = tmp_path / "only-two.yml"
    toc.write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/two\n")
    build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root, toc=toc,
               log=lambda line: None)
    assert (root / "_build" / "html" / "chapters" / "two.html").is_file()
    assert not (root / "_build" / "html" / "chapters" / "one.html").exists()
    with pytest.raises(BuildError, match="nope.yml not found"):
        build_book(root / "params" / "synthetic.yml", out=root / "_build", root=root,
                   toc=tmp_path / "nope.yml", log=lambda line: None)
    assert not (root / "_build" / "html").exists()
