"""Downloads that cannot leave a bad cache, against a local HTTP server on 127.0.0.1.

The server serves each file in one of several ways (whole, cut short, wrong bytes, slowly, or
stalling); every test checks what the cache folder holds afterwards: the verified file, or
nothing at all (no partial file, no temporary file).
"""

import hashlib
import http.server
import os
import threading
import time
import urllib.error

import pytest
import yaml

from horizonlib.data import fetch
from horizonlib.data.errors import DataError
from horizonlib.data.fetch import ChecksumError, DataFetchError, ensure_dataset
from horizonlib.data.manifest import DEFAULT_MANIFEST, parse_manifest

CONTENT = b"".join(
    b'{"run_id": "r%d", "alias": "m", "task_id": "f/t%d", "task_family": "f", '
    b'"human_minutes": %d.5, "score_binarized": %d}\n' % (i, i, i + 1, i % 2)
    for i in range(200))
SHA256 = hashlib.sha256(CONTENT).hexdigest()


class Server:
    """What the local server sends for ``/runs.jsonl``: ``mode`` is one of ``whole``, ``short``
    (announces every byte, sends 40% and closes), ``wrong`` (as many bytes, one changed),
    ``slow`` (whole, in 8 pieces 0.05 s apart) and ``stall`` (sends 40%, then waits 2 s)."""

    def __init__(self):
        self.mode, self.requests = "whole", 0


def _handler(state: Server):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            state.requests += 1
            if self.path != "/runs.jsonl":
                self.send_error(404)
                return
            body = CONTENT.replace(b"3.5", b"4.5") if state.mode == "wrong" else CONTENT
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            cut = int(len(body) * 0.4)
            if state.mode in ("short", "stall"):
                self.wfile.write(body[:cut])
                self.wfile.flush()
                if state.mode == "stall":
                    time.sleep(2.0)
                self.close_connection = True
            elif state.mode == "slow":
                step = len(body) // 8 + 1
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(0.05)
            else:
                self.wfile.write(body)

        def log_message(self, *args):  # keep the test output clean
            pass

    return Handler


@pytest.fixture()
def server():
    """(state, base URL) of a server on 127.0.0.1 in a thread."""
    state = Server()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def no_env_mirror(monkeypatch):
    monkeypatch.delenv("HORIZON_DATA_MIRROR", raising=False)


def manifest(url):
    return parse_manifest({"datasets": [{
        "name": "toy", "description": "d", "kind": "runs", "licence": "l", "schema": "s",
        "files": [{"url": url, "sha256": SHA256, "size": len(CONTENT)}]}]})


def cache_files(cache):
    folder = cache / "toy"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_truncated_download_is_rejected_then_fetched_again(tmp_path, server):
    state, base = server
    state.mode = "short"
    man, cache = manifest(f"{base}/runs.jsonl"), tmp_path / "cache"
    with pytest.raises(ChecksumError) as err:
        ensure_dataset("toy", man, cache_dir=cache)
    msg = str(err.value)
    cut = int(len(CONTENT) * 0.4)
    assert f"size mismatch: expected {len(CONTENT)} bytes, got {cut} bytes" in msg
    actual = hashlib.sha256(CONTENT[:cut]).hexdigest()
    assert f"sha256 mismatch: expected {SHA256}, got {actual}" in msg
    assert "cut short" in msg and base in msg
    assert cache_files(cache) == []  # no partial file, no temporary file
    state.mode = "whole"  # the next run fetches it again
    (path,) = ensure_dataset("toy", man, cache_dir=cache)
    assert path.read_bytes() == CONTENT and cache_files(cache) == ["runs.jsonl"]
    assert state.requests == 2


def test_wrong_download_is_rejected(tmp_path, server):
    state, base = server
    state.mode = "wrong"
    with pytest.raises(ChecksumError) as err:
        ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path)
    assert err.value.kind == "sha256" and err.value.expected == SHA256
    assert err.value.actual == hashlib.sha256(CONTENT.replace(b"3.5", b"4.5")).hexdigest()
    assert isinstance(err.value, DataError)
    assert cache_files(tmp_path) == []


def test_slow_download_completes(tmp_path, server):
    state, base = server
    state.mode = "slow"
    (path,) = ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path)
    assert path.read_bytes() == CONTENT and cache_files(tmp_path) == ["runs.jsonl"]


def test_stalled_download_times_out_and_leaves_nothing(tmp_path, server, monkeypatch):
    state, base = server
    state.mode = "stall"
    monkeypatch.setattr(fetch, "DOWNLOAD_TIMEOUT", 0.3)
    t0 = time.perf_counter()
    with pytest.raises(DataFetchError) as err:
        ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path)
    assert time.perf_counter() - t0 < 1.5
    assert not isinstance(err.value, ChecksumError)
    assert "timed out" in str(err.value) and fetch.NO_NETWORK_BUILD in str(err.value)
    assert cache_files(tmp_path) == []


def test_interrupted_download_leaves_nothing(tmp_path, server, monkeypatch):
    _, base = server

    def interrupt(self, n):  # the user presses Ctrl-C in the middle of the download
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch.tqdm, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path)
    assert cache_files(tmp_path) == []


def test_stale_temporary_file_of_a_killed_run_is_removed(tmp_path, server):
    _, base = server
    folder = tmp_path / "toy"
    folder.mkdir()
    stale, fresh = folder / ".runs.jsonl.dead1.part", folder / ".runs.jsonl.busy2.part"
    stale.write_bytes(CONTENT[:10])
    fresh.write_bytes(CONTENT[:10])  # another run's download in progress: left alone
    old = time.time() - fetch.STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    lines = []
    ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path, log=lines.append)
    assert cache_files(tmp_path) == [fresh.name, "runs.jsonl"]
    assert lines == [f"{stale}: removed an incomplete download left by an interrupted run"]


def test_cache_changed_on_disk_is_reported_and_fetched_again(tmp_path, server):
    state, base = server
    man = manifest(f"{base}/runs.jsonl")
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path)
    path.write_bytes(CONTENT.replace(b"r1", b"r9", 1))  # edited on disk, same size
    lines = []
    assert ensure_dataset("toy", man, cache_dir=tmp_path, log=lines.append) == [path]
    assert path.read_bytes() == CONTENT and state.requests == 2
    actual = hashlib.sha256(CONTENT.replace(b"r1", b"r9", 1)).hexdigest()
    assert len(lines) == 1 and f"sha256 expected {SHA256}, got {actual}" in lines[0]
    assert str(path) in lines[0] and "fetching it again" in lines[0]
    lines.clear()
    ensure_dataset("toy", man, cache_dir=tmp_path, log=lines.append)
    assert lines == [] and state.requests == 2  # a valid cache is used as is


def test_cache_changed_on_disk_offline_is_refused(tmp_path, server):
    state, base = server
    (path,) = ensure_dataset("toy", manifest(f"{base}/runs.jsonl"), cache_dir=tmp_path)
    path.write_bytes(CONTENT[:-1])  # truncated on disk
    offline = manifest(f"{base}/gone/runs.jsonl")  # the server answers 404
    with pytest.raises(DataFetchError) as err:
        ensure_dataset("toy", offline, cache_dir=tmp_path, log=lambda line: None)
    msg = str(err.value)
    actual = hashlib.sha256(CONTENT[:-1]).hexdigest()
    assert f"sha256 expected {SHA256}, got {actual}" in msg
    assert f"size expected {len(CONTENT)} bytes, got {len(CONTENT) - 1} bytes" in msg
    assert "HTTP Error 404" in msg and "HORIZON_DATA_MIRROR" in msg
    assert cache_files(tmp_path) == []  # the bad copy is not used, nor kept


def test_mirror_holds_files_without_mirror_path_under_the_dataset_name(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "toy").mkdir(parents=True)
    (mirror / "toy" / "runs.jsonl").write_bytes(CONTENT)
    man = manifest("http://127.0.0.1:9/runs.jsonl")  # nothing listens on port 9
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path / "cache", mirror=mirror)
    assert path.read_bytes() == CONTENT


# ---------------------------------------------------------------- the first run helps
def _no_network(*args, **kwargs):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


def test_default_edition_without_network_offers_both_ways_forward(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch.urllib.request, "urlopen", _no_network)
    raw = yaml.safe_load(DEFAULT_MANIFEST.read_text(encoding="utf-8"))
    with pytest.raises(DataFetchError) as err:
        ensure_dataset("th-1-0", parse_manifest(raw), cache_dir=tmp_path)
    msg = str(err.value)
    url = next(d for d in raw["datasets"] if d["name"] == "th-1-0")["files"][0]["url"]
    for part in ("dataset 'th-1-0'", "Tried:", "mirror: $HORIZON_DATA_MIRROR is unset", url,
                 "Temporary failure in name resolution", "HORIZON_DATA_MIRROR=FOLDER",
                 "FOLDER/th-1-0/runs.jsonl", "make book PARAMS=params/synthetic.yml"):
        assert part in msg, part


def test_make_book_without_network_says_what_to_do(tmp_path, monkeypatch, capsys):
    """``make book`` on a machine without network: exit 1, naming both ways forward."""
    from horizonlib.build import cli

    monkeypatch.setattr(fetch.urllib.request, "urlopen", _no_network)
    monkeypatch.setattr(fetch, "DEFAULT_CACHE", tmp_path / "raw")
    assert cli.main(["book", "--params", "params/default.yml", "--out", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "th-1-0" in err and "HORIZON_DATA_MIRROR" in err
    assert "make book PARAMS=params/synthetic.yml" in err
    assert not (tmp_path / "b" / "html").exists()
