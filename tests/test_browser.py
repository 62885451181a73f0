"""Rendered pages checked in a real browser: headless Chromium opens every page of the book.

Each built book (the synthetic and offline editions, and the forked build with the template
chapter) is served from ``_build/html`` by a local HTTP server on 127.0.0.1; headless Chromium,
driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``: no extra
package, no open port), loads every page of the table of contents and the test asserts that

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

``HORIZON_CHECK_HTML=path/to/_build/html`` additionally checks an existing build (the Pages
workflow checks the default edition this way before publishing it).
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
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from horizonlib.book import is_notebook_source, toc_files
from tests.conftest import REPO_ROOT

SCREENSHOTS = Path(os.environ.get("HORIZON_SCREENSHOTS", REPO_ROOT / "_build" / "screenshots"))
PAGE_TIMEOUT_S = 60.0
VIEWPORT = (1280, 900)
#: Longest full-page screenshot (CSS pixels); longer pages are cut (the check covers all of it).
MAX_SHOT_HEIGHT = 16000


# --- Chromium through the DevTools protocol -----------------------------------------------------


def find_chromium() -> str | None:
    """Path of a Chromium-family browser, or None."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Chromium:
    """Headless Chromium speaking the DevTools protocol over ``--remote-debugging-pipe``.

    Messages are JSON objects separated by NUL bytes: we write to the browser's fd 3 and read
    its fd 4. Events are queued per session; :meth:`call` returns a command's result.
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
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{child_r} 4>&{child_w} {child_r}<&- {child_w}>&-', *args],
            pass_fds=(child_r, child_w), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        os.close(child_r)
        os.close(child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
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
                raise RuntimeError(f"Chromium exited (status {self.proc.poll()}); see {self._log.name}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = PAGE_TIMEOUT_S) -> dict[str, Any]:
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
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            message = self._read(deadline)
            if "method" in message:
                self.events.append(message)


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
    """Load ``url`` in a new tab; return the page report plus the problems seen on the way."""
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
    """Console errors, exceptions and bad requests of one page's session."""
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


# --- fixtures -----------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        pass


class Server:
    """``http.server`` on 127.0.0.1 (a free port) in a thread, serving one folder per prefix."""

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
        self.roots[prefix] = root
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{prefix}/{page}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _clean(rest: str) -> str:
    """URL path (without query) -> a relative file path inside the served folder."""
    from urllib.parse import unquote

    rest = unquote(rest.split("?", 1)[0].split("#", 1)[0])
    parts = [p for p in rest.split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "index.html"


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        message = ("Chromium is not installed (Debian: apt-get install chromium; .ci/run does this); "
                   "the rendered pages cannot be checked")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    base = tmp_path_factory.mktemp("chromium")
    b = Chromium(chromium, base / "profile", base / "chromium.log")
    try:
        b.call("Browser.getVersion", timeout=60)
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.close()


def _toc_pages(html: Path) -> list[str]:
    """Every page of the book's table of contents that was rendered, root first."""
    staged = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    pages = [f for f in toc_files(staged) if (html / f"{f}.html").is_file()]
    extra = sorted(p.relative_to(html).with_suffix("").as_posix() for p in (html / "chapters").glob("*.html"))
    return list(dict.fromkeys(pages + extra))


def _analysis_chapters() -> set[str]:
    """Notebook chapters other than the root page: each must show at least one figure."""
    files = toc_files(yaml.safe_load((REPO_ROOT / "_toc.yml").read_text()))
    return {f for f in files[1:] if (REPO_ROOT / f"{f}.md").is_file()
            and is_notebook_source(REPO_ROOT / f"{f}.md")} | {"chapters/template"}


def check_book(browser: Chromium, server: Server, html: Path, name: str) -> None:
    """Open every page of the book at ``html`` and assert what the module docstring lists."""
    shots = SCREENSHOTS / name
    if shots.exists():
        shutil.rmtree(shots)
    pages = _toc_pages(html)
    assert pages, f"no pages under {html}"
    failures = []
    for page in pages:
        report = open_page(browser, server.url(name, html, f"{page}.html"), shots / f"{Path(page).name}.png")
        bad = list(report["problems"])
        broken = [img["src"] for img in report["images"] if not img["complete"] or img["width"] <= 0]
        bad += [f"image not shown: {src}" for src in broken]
        figures = [img for img in report["images"] if img["inMain"] and img["width"] > 0]
        if page in _analysis_chapters() and not figures:
            bad.append("no figure on the page")
        bad += [f"error output block: {cls}" for cls in report["errorOutputs"]]
        if "Traceback" in report["text"]:
            bad.append("'Traceback' in the page text")
        if report["mathSources"] and (not report["mathRendered"] or report["mathErrors"]):
            bad.append(f"math not typeset: {report['mathSources']} formulas, "
                       f"{report['mathRendered']} rendered, {report['mathErrors']} errors")
        if bad:
            failures.append(f"{page}:\n  " + "\n  ".join(bad))
    assert not failures, f"{name} book, in headless Chromium:\n" + "\n".join(failures)
    assert len(list(shots.glob("*.png"))) == len(pages)


# --- tests --------------------------------------------------------------------------------------

pytestmark = pytest.mark.book


@pytest.mark.parametrize("edition", ["synthetic", "offline"])
def test_every_page_renders_in_chromium(edition, request, browser, server):
    book = request.getfixturevalue(f"{edition}_book")
    check_book(browser, server, book / "html", edition)


def test_forked_book_with_template_renders_in_chromium(forked_book, browser, server):
    check_book(browser, server, forked_book / "html", "forked")


def test_existing_build_renders_in_chromium(browser, server):
    """Opt-in: ``HORIZON_CHECK_HTML=_build/html`` checks a book built by ``make book``."""
    html = os.environ.get("HORIZON_CHECK_HTML")
    if not html:
        pytest.skip("set HORIZON_CHECK_HTML=path/to/_build/html to check an existing build")
    check_book(browser, server, Path(html).resolve(), "existing")


def test_a_broken_image_is_caught(browser, server, tmp_path):
    """The check itself: a page with a missing figure and a console error must fail it."""
    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "chapters" / "answers.html").write_text(
        "<html><body><main><p>ok</p><img src='missing.png'>"
        "<script>console.error('boom')</script></main></body></html>")
    with pytest.raises(AssertionError) as failed:
        check_book(browser, server, html, "broken-example")
    message = str(failed.value)
    assert "image not shown: missing.png" in message and "HTTP 404" in message
    assert "console error: boom" in message
    shutil.rmtree(SCREENSHOTS / "broken-example", ignore_errors=True)
