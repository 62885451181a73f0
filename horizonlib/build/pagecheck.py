"""Check a rendered book in a real browser: headless Chromium opens every page.

Job (orchestration layer): serve a built book (``_build/html``) from a local
:class:`~horizonlib.build.pageserver.Server`, load every page in headless Chromium
(:mod:`horizonlib.build.chromium`) and report, per page, anything a reader would see go wrong:

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

:func:`check_pages` is the one-call entry point (``python -m horizonlib check-pages``);
:func:`check_book_pages` lets a caller (the test suite) reuse one browser and one server for
several books. Which pages are opened and which are analysis pages comes from the book's source
folder (:func:`horizonlib.build.toc.book_pages`, :func:`horizonlib.build.toc.analysis_pages`).
"""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from horizonlib.build.chromium import Chromium, launch_chromium
from horizonlib.build.pageserver import Server
from horizonlib.build.toc import analysis_pages, book_pages

#: Browser window (CSS pixels): width, height.
VIEWPORT = (1280, 900)
#: Longest full-page screenshot (CSS pixels); longer pages are cut (the check covers all of it).
MAX_SHOT_HEIGHT = 16000


class PageCheckError(ValueError):
    """The pages cannot be checked at all (no such folder, or no page in it)."""


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


# --- checking a book ----------------------------------------------------------------------------


def check_book_pages(browser: Chromium, server: Server, html_dir: str | Path, screenshots_dir: str | Path,
                     analysis: Iterable[str] | None = None, *, root: str | Path | None = None,
                     prefix: str = "book", log: Callable[[str], None] | None = None) -> list[str]:
    """Open every page of one built book in a running browser; return its problems.

    Parameters
    ----------
    browser : Chromium
        A running browser (e.g. from :func:`horizonlib.build.chromium.launch_chromium`).
    server : Server
        The local server; the book is served under ``/<prefix>/``.
    html_dir : str or Path
        The built book (``_build/html``).
    screenshots_dir : str or Path
        Folder receiving ``<page name>.png`` for every page (created; files overwritten).
    analysis : iterable of str, optional
        Pages that must show a figure (default: :func:`horizonlib.build.toc.analysis_pages` of
        the pages).
    root : str or Path, optional
        The book's source folder (see :func:`horizonlib.build.toc.book_pages`).
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
        figure; default: every notebook chapter but the root page
        (:func:`horizonlib.build.toc.analysis_pages`).
    root : str or Path, optional
        The book's source folder with ``_toc.yml`` (default: the current folder if it holds
        ``_toc.yml``, else this package's repository).
    chromium : str, optional
        Browser executable (default :func:`horizonlib.build.chromium.find_chromium`).
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
