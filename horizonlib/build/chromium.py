"""Headless Chromium driven through the DevTools protocol over a pipe — standard library only.

The browser is started with ``--remote-debugging-pipe`` (no open debugging port): messages are
JSON objects separated by NUL bytes, written to its fd 3 and read from its fd 4
(:class:`Chromium`). Chromium is found as ``$CHROMIUM``, ``chromium``, ``chromium-browser``,
``google-chrome`` or ``google-chrome-stable`` (:func:`find_chromium`; Debian: ``apt-get install
chromium``); :func:`launch_chromium` runs one with a throw-away profile.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

#: Seconds to wait for one DevTools answer (a page load, its images and MathJax included).
PAGE_TIMEOUT_S = 60.0
#: Executables tried, in order, after ``$CHROMIUM``.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: What to tell a user without a browser.
INSTALL_HINT = ("Chromium is not installed (Debian/Ubuntu: apt-get install chromium; or set "
                "CHROMIUM=/path/to/chrome); the rendered pages cannot be checked")


class ChromiumNotFoundError(RuntimeError):
    """No Chromium-family browser on this machine (message: how to install one)."""


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

