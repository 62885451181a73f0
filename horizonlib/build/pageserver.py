"""A local HTTP server for checking built books: ``http.server`` on 127.0.0.1 in a thread.

One :class:`Server` serves several books, each under its own URL prefix, so one browser can
check them all; nothing outside the registered folders is served.
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote


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
