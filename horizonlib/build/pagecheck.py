"""Check a rendered book in a real browser: headless Chromium opens every page.

Job (orchestration layer; standard library only — no browser-driver package): serve a built
book (``_build/html``) from a local HTTP server on 127.0.0.1, drive headless Chromium through
the DevTools protocol over a pipe (``--remote-debugging-pipe``: no open debugging port), load
every page and report, per page, anything a reader would see go wrong:

* an ``<img>`` that did not load (not complete, or natural width 0), and an analysis page
  (a notebook chapter other than the root page) that shows no figure at all;
* a JavaScript exception or a console error (``console.error``/``console.assert`` or a browser
  log entry of level error);
* a failed request or an HTTP status >= 400, and any request outside the local server (the
  book must work offline: MathJax and every asset are vendored);
* an error or stderr cell output block, or "Traceback" in the visible text;
* math that MathJax did not typeset (formulas present but none rendered, or ``mjx-merror``).

A full-page screenshot of every page (1280 CSS pixels wide, cut at
:data:`MAX_SHOT_HEIGHT`) is written to the screenshots folder as ``<page name>.png``; the check
itself covers the whole page.

Chromium is found as ``$CHROMIUM``, ``chromium``, ``chromium-browser``, ``google-chrome`` or
``google-chrome-stable`` (Debian: ``apt-get install chromium``). :func:`check_pages` is the
one-call entry point (``python -m horizonlib check-pages``); :class:`Chromium`,
:class:`Server` and :func:`check_book_pages` let a caller (the test suite) reuse one browser
and one server for several books.

Which pages are opened and which are analysis pages comes from the book's source folder
(``_toc.yml`` and the chapter sources; :func:`book_pages`, :func:`analysis_pages`), read
through :mod:`horizonlib.build.book` only when those functions are called.
"""

from __future__ import annotations

import base64
import fcntl
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import unquote

#: Seconds to wait for one DevTools answer (a page load, its images and MathJax included).
PAGE_TIMEOUT_S = 60.0
#: Browser window (CSS pixels): width, height.
VIEWPORT = (1280, 900)
#: Longest full-page screenshot (CSS pixels); longer pages are cut (the check covers all of it).
MAX_SHOT_HEIGHT = 16000
#: Executables tried, in order, after ``$CHROMIUM``.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: What to tell a user without a browser.
INSTALL_HINT = ("Chromium is not installed (Debian/Ubuntu: apt-get install chromium; or set "
                "CHROMIUM=/path/to/chrome); the rendered pages cannot be checked")


class ChromiumNotFoundError(RuntimeError):
    """No Chromium-family browser on this machine (message: how to install one)."""


class PageCheckError(ValueError):
    """The pages cannot be checked at all (no such folder, or no page in it)."""


# --- Chromium through the DevTools protocol -----------------------------------------------------


def find_chromium() -> str | None:
    """Find a Chromium-family browser.

    Returns
    -------
    str or None
        Full path of ``$CHROMIUM`` or the first of :data:`CHROMIUM_NAMES` on ``PATH``; None
        when there is none.
    """
    for name in (os.environ.get("CHROMIUM"), *CHROMIUM_NAMES):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Chromium:
    """Headless Chromium speaking the DevTools protocol over ``--remote-debugging-pipe``.

    Messages are JSON objects separated by NUL bytes: we write to the browser's fd 3 and read
    its fd 4. Events are queued in :attr:`events`; :meth:`call` returns a command's result.

    Parameters
    ----------
    executable : str
        Path of the browser (see :func:`find_chromium`).
    profile : Path
        Fresh user-data folder for this browser.
    log : Path
        File receiving the browser's stdout and stderr.
    """

    def __init__(self, executable: str, profile: Path, log: Path):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # move the child's ends above 9, then let bash place them at fds 3 and 4 for Chromium
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        args = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self._log = Path(log).open("wb")
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{child_r} 4>&{child_w} {child_r}<&- {child_w}>&-', *args],
            pass_fds=(child_r, child_w), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        os.close(child_r)
        os.close(child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Ask the browser to quit (kill it after 10 s) and close the pipes and the log."""
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        self._log.close()

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send one DevTools command without waiting; returns its message id."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited (status {self.proc.poll()}); "
                                   f"its log ends with: {self._log_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _log_tail(self, n_chars: int = 2000) -> str:
        self._log.flush()
        try:
            return Path(self._log.name).read_text(errors="replace")[-n_chars:].strip() or "(empty)"
        except OSError:
            return "(no log)"

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = PAGE_TIMEOUT_S) -> dict[str, Any]:
        """Send a DevTools command and wait for its result.

        Parameters
        ----------
        method : str
            Protocol method, e.g. ``"Page.navigate"``.
        params : dict, optional
            Its parameters.
        session : str, optional
            Target session (flattened); None for the browser itself.
        timeout : float
            Seconds to wait for the answer.

        Returns
        -------
        dict
            The command's ``result``; events read meanwhile go to :attr:`events`.

        Raises
        ------
        RuntimeError
            The browser answered with an error, or exited.
        TimeoutError
            No answer within ``timeout`` seconds.
        """
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, session: str, timeout: float = PAGE_TIMEOUT_S) -> dict[str, Any]:
        """Wait for the first event ``method`` of ``session`` (already queued or to come)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            message = self._read(deadline)
            if "method" in message:
                self.events.append(message)


@contextmanager
def launch_chromium(executable: str | None = None) -> Iterator[Chromium]:
    """A running headless Chromium with a throw-away profile, closed on exit.

    Parameters
    ----------
    executable : str, optional
        Browser to run (default :func:`find_chromium`).

    Yields
    ------
    Chromium
        The browser, already answering (``Browser.getVersion``).

    Raises
    ------
    ChromiumNotFoundError
        No ``executable`` given and none found.
    """
    executable = executable or find_chromium()
    if executable is None:
        raise ChromiumNotFoundError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="horizon-chromium-", ignore_cleanup_errors=True) as tmp:
        browser = Chromium(executable, Path(tmp) / "profile", Path(tmp) / "chromium.log")
        try:
            browser.call("Browser.getVersion", timeout=60)
            yield browser
        finally:
            browser.close()


# in the page: wait for every image and for MathJax, then report what the reader sees
PAGE_REPORT_JS = r"""
(async () => {
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try { await MathJax.startup.promise; } catch (e) {}
  }
  const main = document.querySelector("main") || document.body;
  return {
    title: document.title,
    images: images.map(img => ({src: img.getAttribute("src"), width: img.naturalWidth,
                                 complete: img.complete, inMain: main.contains(img)})),
    text: main.innerText,
    errorOutputs: Array.from(document.querySelectorAll(
      ".output.stderr, .output.error, .output.traceback, div.stderr, div.traceback"))
      .map(el => el.className),
    mathSources: document.querySelectorAll(".math").length,
    mathRendered: document.querySelectorAll("mjx-container").length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    height: Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)),
  };
})()
"""


def open_page(browser: Chromium, url: str, shot: Path) -> dict[str, Any]:
    """Load one page in a new tab, screenshot it and report what the reader sees.

    Parameters
    ----------
    browser : Chromium
        A running browser.
    url : str
        Page address (on the local :class:`Server`).
    shot : Path
        PNG file for the full-page screenshot (its folder is created).

    Returns
    -------
    dict
        The in-page report (``images``, ``text``, ``errorOutputs``, ``mathSources``,
        ``mathRendered``, ``mathErrors``, ``height`` in CSS pixels, ``title``) plus
        ``problems``: console errors, exceptions and bad requests (see :func:`_problems`).
    """
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", session=session)
        width, height = VIEWPORT
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        browser.call("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        report = browser.call("Runtime.evaluate", {"expression": PAGE_REPORT_JS, "awaitPromise": True,
                                                   "returnByValue": True}, session=session)
        if "exceptionDetails" in report:
            raise RuntimeError(f"page check script failed on {url}: {report['exceptionDetails']}")
        page = report["result"]["value"]
        shot_height = min(page["height"], MAX_SHOT_HEIGHT)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": shot_height, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        png = browser.call("Page.captureScreenshot",
                           {"format": "png", "clip": {"x": 0, "y": 0, "width": width,
                                                      "height": shot_height, "scale": 1}},
                           session=session)["data"]
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(base64.b64decode(png))
    finally:
        browser.call("Target.closeTarget", {"targetId": target})
    page["problems"] = _problems(browser, session, url)
    return page


def _problems(browser: Chromium, session: str, url: str) -> list[str]:
    """Console errors, exceptions and bad requests of one page's session (its events are dropped)."""
    origin = re.match(r"https?://[^/]+", url).group(0)
    out = []
    requests: dict[str, str] = {}
    for event in browser.events:
        if event.get("sessionId") != session:
            continue
        method, params = event["method"], event.get("params", {})
        if _browser_own_request(event, origin):
            continue
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            out.append(f"JavaScript exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out.append("console error: " + " ".join(str(a.get("value", a.get("description", "")))
                                                    for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            out.append(f"browser log error: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        elif method == "Network.requestWillBeSent":
            request_url = params["request"]["url"]
            requests[params["requestId"]] = request_url
            if not request_url.startswith((origin, "data:", "blob:", "about:")):
                out.append(f"request outside the book: {request_url}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            out.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
        elif (method == "Network.loadingFailed" and not params.get("canceled")
              and requests.get(params["requestId"]) != f"{origin}/favicon.ico"):
            out.append(f"failed to load {requests.get(params['requestId'], '?')}: {params.get('errorText')}")
    browser.events[:] = [e for e in browser.events if e.get("sessionId") != session]
    return out


def _browser_own_request(event: dict[str, Any], origin: str) -> bool:
    """The browser's own request for ``/favicon.ico`` at the server root (no page asks for it)."""
    params = event.get("params", {})
    url = (params.get("request", {}).get("url") or params.get("response", {}).get("url")
           or params.get("entry", {}).get("url") or "")
    return url == f"{origin}/favicon.ico"


def page_problems(page: str, report: dict[str, Any], analysis: bool) -> list[str]:
    """Everything wrong with one opened page.

    Parameters
    ----------
    page : str
        Page path without ``.html`` (e.g. ``"chapters/fit"``), used only in the messages.
    report : dict
        What :func:`open_page` returned.
    analysis : bool
        True for an analysis page, which must show at least one figure in its main content.

    Returns
    -------
    list of str
        One ``"<page>: <what>"`` line per problem; empty when the page is clean.
    """
    bad = list(report["problems"])
    broken = [img["src"] for img in report["images"] if not img["complete"] or img["width"] <= 0]
    bad += [f"image not shown: {src}" for src in broken]
    figures = [img for img in report["images"] if img["inMain"] and img["width"] > 0]
    if analysis and not figures:
        bad.append("no figure on the page")
    bad += [f"error output block: {cls}" for cls in report["errorOutputs"]]
    if "Traceback" in report["text"]:
        bad.append("'Traceback' in the page text")
    if report["mathSources"] and (not report["mathRendered"] or report["mathErrors"]):
        bad.append(f"math not typeset: {report['mathSources']} formulas, "
                   f"{report['mathRendered']} rendered, {report['mathErrors']} errors")
    return [f"{page}: {what}" for what in bad]


# --- local HTTP server --------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        pass


class Server:
    """``http.server`` on 127.0.0.1 (a free port) in a thread, serving one folder per prefix.

    ``/<prefix>/<path>`` is ``<root>/<path>`` for the root registered by :meth:`url`; anything
    else is a 404. Usable as a context manager (closed on exit).
    """

    def __init__(self):
        self.roots: dict[str, Path] = {}
        server = self

        class Handler(_QuietHandler):
            def translate_path(self, path: str) -> str:
                prefix, _, rest = path.lstrip("/").partition("/")
                root = server.roots.get(prefix)
                return str(root / _clean(rest)) if root is not None else "/nonexistent"

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, prefix: str, root: Path, page: str) -> str:
        """Serve ``root`` under ``/<prefix>/`` and return the address of ``page`` in it."""
        self.roots[prefix] = root
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{prefix}/{page}"

    def close(self) -> None:
        """Stop serving and free the port."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _clean(rest: str) -> str:
    """URL path (without query) -> a relative file path inside the served folder."""
    rest = unquote(rest.split("?", 1)[0].split("#", 1)[0])
    parts = [p for p in rest.split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "index.html"


# --- which pages ------------------------------------------------------------------------------


def _source_root(root: str | Path | None) -> Path:
    from horizonlib.build.book import repo_root_default

    return Path(root).resolve() if root is not None else repo_root_default()


def _toc(root: Path) -> list[str]:
    """The ``file`` entries of ``root/_toc.yml`` (root page first); empty without one."""
    import yaml

    from horizonlib.build.book import toc_files

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
    from horizonlib.build.book import is_notebook_source

    source = _source_root(root)
    toc = _toc(source)
    top = toc[0] if toc else None
    return {p for p in pages if p != top and ((source / f"{p}.ipynb").is_file() or (
        (source / f"{p}.md").is_file() and is_notebook_source(source / f"{p}.md")))}


# --- checking a book ----------------------------------------------------------------------------


def check_book_pages(browser: Chromium, server: Server, html_dir: str | Path, screenshots_dir: str | Path,
                     analysis: Iterable[str] | None = None, *, root: str | Path | None = None,
                     prefix: str = "book", log: Callable[[str], None] | None = None) -> list[str]:
    """Open every page of one built book in a running browser; return its problems.

    Parameters
    ----------
    browser : Chromium
        A running browser (e.g. from :func:`launch_chromium`).
    server : Server
        The local server; the book is served under ``/<prefix>/``.
    html_dir : str or Path
        The built book (``_build/html``).
    screenshots_dir : str or Path
        Folder receiving ``<page name>.png`` for every page (created; files overwritten).
    analysis : iterable of str, optional
        Pages that must show a figure (default :func:`analysis_pages` of the pages).
    root : str or Path, optional
        The book's source folder (see :func:`book_pages`).
    prefix : str
        URL prefix of this book on ``server`` (one per book when several share a server).
    log : callable, optional
        Receives one progress line per page.

    Returns
    -------
    list of str
        One ``"<page>: <what>"`` line per problem (module docstring); empty when every page
        is clean. A page that could not be loaded at all (timeout, browser error) is a problem
        too.

    Raises
    ------
    PageCheckError
        ``html_dir`` is not a folder or holds no page.
    """
    html = Path(html_dir).resolve()
    if not html.is_dir():
        raise PageCheckError(f"{html_dir} is not a folder (build the book first: make book)")
    pages = book_pages(html, root)
    if not pages:
        raise PageCheckError(f"no pages of the book under {html_dir}")
    analysis = set(analysis) if analysis is not None else analysis_pages(pages, root)
    shots = Path(screenshots_dir)
    problems: list[str] = []
    for i, page in enumerate(pages, 1):
        start = time.perf_counter()
        try:
            report = open_page(browser, server.url(prefix, html, f"{page}.html"), shots / f"{Path(page).name}.png")
        except (RuntimeError, TimeoutError) as exc:
            browser.events.clear()  # a half-loaded page's events must not leak into the next one
            found = [f"{page}: could not be checked: {exc}"]
        else:
            found = page_problems(page, report, page in analysis)
        problems += found
        if log is not None:
            status = f"{len(found)} problem(s)" if found else "ok"
            log(f"[{i}/{len(pages)}] {page}: {status} ({time.perf_counter() - start:.1f} s)")
    return problems


def check_pages(html_dir: str | Path, screenshots_dir: str | Path, analysis_pages: Iterable[str] | None = None,
                *, root: str | Path | None = None, chromium: str | None = None,
                log: Callable[[str], None] | None = None) -> list[str]:
    """Check every page of a built book in headless Chromium (see the module docstring).

    Starts a browser and a local server, runs :func:`check_book_pages` and stops both.

    Parameters
    ----------
    html_dir : str or Path
        The built book (``_build/html``).
    screenshots_dir : str or Path
        Folder receiving a full-page screenshot ``<page name>.png`` of every page.
    analysis_pages : iterable of str, optional
        Pages (paths without ``.html``, e.g. ``"chapters/fit"``) that must show at least one
        figure; default: every notebook chapter but the root page (:func:`analysis_pages`).
    root : str or Path, optional
        The book's source folder with ``_toc.yml`` (default: the current folder if it holds
        ``_toc.yml``, else this package's repository).
    chromium : str, optional
        Browser executable (default :func:`find_chromium`).
    log : callable, optional
        Receives one progress line per page.

    Returns
    -------
    list of str
        One ``"<page>: <what>"`` line per problem; empty when the book is clean.

    Raises
    ------
    ChromiumNotFoundError
        No browser (its message says how to install one).
    PageCheckError
        ``html_dir`` is not a folder or holds no page.
    """
    if not Path(html_dir).is_dir():
        raise PageCheckError(f"{html_dir} is not a folder (build the book first: make book)")
    with launch_chromium(chromium) as browser, Server() as server:
        return check_book_pages(browser, server, html_dir, screenshots_dir, analysis_pages,
                                root=root, log=log)
