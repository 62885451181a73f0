"""Rendered pages checked in a real browser: headless Chromium opens every page of the book.

The machinery is :mod:`horizonlib.build.pagecheck` (also ``python -m horizonlib check-pages``, which
the Pages workflow runs on the default edition before publishing it). Each built book (the
synthetic and offline editions, and the forked build with the template chapter) is served by a
local HTTP server on 127.0.0.1; headless Chromium, driven through the DevTools protocol over a
pipe (``--remote-debugging-pipe``: no extra package, no open port), loads every page of the
table of contents and the test asserts that

* every ``<img>`` loaded and has a non-zero natural width, and every analysis chapter shows at
  least one figure;
* the page raised no JavaScript exception, logged no console error, had no failed or 4xx/5xx
  request, and requested nothing outside the local server (the book works offline);
* no cell output is an error or stderr block, and the visible text has no "Traceback";
* where the page has math, MathJax (vendored) typeset it without errors.

A full-page screenshot of each page is saved under ``_build/screenshots/<book>/`` of the
repository (or ``$HORIZON_SCREENSHOTS``). Chromium is found as ``$CHROMIUM``, ``chromium``,
``chromium-browser`` or ``google-chrome``; ``.ci/run`` installs the Debian package when missing.
Without it the tests are skipped on a workstation but fail in CI (``CI`` set).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from horizonlib.build import cli
from horizonlib.build.chromium import INSTALL_HINT, Chromium, find_chromium, launch_chromium
from horizonlib.build.pagecheck import check_book_pages
from horizonlib.build.pageserver import Server
from horizonlib.build.toc import analysis_pages, book_pages
from tests.conftest import REPO_ROOT

SCREENSHOTS = Path(os.environ.get("HORIZON_SCREENSHOTS", REPO_ROOT / "_build" / "screenshots"))


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        message = f"{INSTALL_HINT} (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def browser(chromium):
    """One browser for every book of the session."""
    with launch_chromium(chromium) as b:
        yield b


@pytest.fixture(scope="session")
def server():
    with Server() as s:
        yield s


def _broken_book(html: Path) -> Path:
    """A one-page book whose page misses its figure and logs a console error."""
    (html / "chapters").mkdir(parents=True)
    (html / "chapters" / "answers.html").write_text(
        "<html><body><main><p>ok</p><img src='missing.png'>"
        "<script>console.error('boom')</script></main></body></html>")
    return html


def check_book(browser: Chromium, server: Server, html: Path, name: str) -> None:
    """Open every page of the book at ``html`` and assert what the module docstring lists."""
    shots = SCREENSHOTS / name
    if shots.exists():
        shutil.rmtree(shots)
    problems = check_book_pages(browser, server, html, shots, root=REPO_ROOT, prefix=name)
    assert not problems, f"{name} book, in headless Chromium:\n" + "\n".join(problems)
    assert len(list(shots.glob("*.png"))) == len(book_pages(html, REPO_ROOT))


# --- tests --------------------------------------------------------------------------------------

pytestmark = pytest.mark.book


@pytest.mark.parametrize("edition", ["synthetic", "offline"])
def test_every_page_renders_in_chromium(edition, request, browser, server):
    book = request.getfixturevalue(f"{edition}_book")
    check_book(browser, server, book / "html", edition)


def test_forked_book_with_template_renders_in_chromium(forked_book, browser, server):
    pages = book_pages(forked_book / "html", REPO_ROOT)
    assert "chapters/template" in analysis_pages(pages, REPO_ROOT)  # so it must show a figure
    check_book(browser, server, forked_book / "html", "forked")


def test_a_broken_image_is_caught(browser, server, tmp_path):
    """The check itself: a page with a missing figure and a console error must fail it."""
    html = _broken_book(tmp_path / "html")
    with pytest.raises(AssertionError) as failed:
        check_book(browser, server, html, "broken-example")
    message = str(failed.value)
    assert "image not shown: missing.png" in message and "HTTP 404" in message
    assert "console error: boom" in message
    shutil.rmtree(SCREENSHOTS / "broken-example", ignore_errors=True)


def test_check_pages_command_on_a_built_book(synthetic_book, chromium, tmp_path):
    """``python -m horizonlib check-pages`` (what the Pages workflow runs): exit 0, one
    screenshot per page."""
    shots = tmp_path / "shots"
    proc = subprocess.run([sys.executable, "-m", "horizonlib", "check-pages", "--html",
                           str(synthetic_book / "html"), "--screenshots", str(shots)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
                          env=os.environ | {"CHROMIUM": chromium})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = book_pages(synthetic_book / "html", REPO_ROOT)
    assert "chapters/fit" in pages and len(pages) >= 8
    assert sorted(p.stem for p in shots.glob("*.png")) == sorted(Path(p).name for p in pages)
    assert all(p.stat().st_size > 1000 for p in shots.glob("*.png"))
    assert proc.stdout.strip().splitlines()[-1].startswith("ok: every page")


def test_check_pages_command_names_the_broken_page(chromium, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHROMIUM", chromium)
    html = _broken_book(tmp_path / "html")
    status = cli.main(["check-pages", "--html", str(html), "--screenshots", str(tmp_path / "shots"),
                       "--root", str(REPO_ROOT)])
    assert status == 1
    err = capsys.readouterr().err
    assert "chapters/answers: image not shown: missing.png" in err
    assert "chapters/answers: console error: boom" in err
    assert (tmp_path / "shots" / "answers.png").is_file()
