"""Tests of horizonlib.data.fetch: cache, mirror, download (local HTTP server), checksums, errors."""

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import types

import pytest

import horizonlib.data
from horizonlib.data.fetch import (
    ChecksumError, DataFetchError, ensure_dataset, fetch_all, file_digests, resolve,
)
from horizonlib.data.manifest import parse_manifest

CONTENT = b'{"run_id": "a", "alias": "m", "task_id": "f/t", "task_family": "f", ' \
          b'"human_minutes": 3.0, "score_binarized": 1}\n'


def make_manifest(url=None, mirror_path="sub/runs.jsonl", checksums=("sha256",),
                  content=CONTENT, name="toy", mirror_only=None):
    digests = file_digests_bytes(content)
    entry = {"url": url, "mirror_path": mirror_path, "size": len(content)}
    entry.update({k: digests[k] for k in checksums})
    ds = {"name": name, "description": "toy", "kind": "runs", "licence": "none",
          "schema": "minimal", "files": [entry]}
    if mirror_only or (mirror_only is None and url is None):
        ds["mirror_only"] = True
    return parse_manifest({"datasets": [ds]}, source="test-manifest")


def file_digests_bytes(content):
    import hashlib
    return {"sha256": hashlib.sha256(content).hexdigest(),
            "md5": hashlib.md5(content).hexdigest(),
            "git_blob": hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()}


@pytest.fixture()
def mirror(tmp_path):
    root = tmp_path / "mirror"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "runs.jsonl").write_bytes(CONTENT)
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture()
def http_root(tmp_path):
    """A local HTTP server on 127.0.0.1 serving a temporary folder; yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def no_env_mirror(monkeypatch):
    monkeypatch.delenv("HORIZON_DATA_MIRROR", raising=False)


def test_git_blob_equals_git_hash_object(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(CONTENT)
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    out = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert file_digests(path)["git_blob"] == out == file_digests_bytes(CONTENT)["git_blob"]


def test_mirror_copy_is_verified_and_cached(tmp_path, mirror):
    man = make_manifest(checksums=("sha256", "md5", "git_blob"))
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path / "cache", mirror=mirror)
    assert path == tmp_path / "cache" / "toy" / "runs.jsonl"
    assert path.read_bytes() == CONTENT
    # Second call: served from the cache even with no mirror.
    assert ensure_dataset("toy", man, cache_dir=tmp_path / "cache") == [path]


def test_mirror_from_environment(tmp_path, mirror, monkeypatch):
    monkeypatch.setenv("HORIZON_DATA_MIRROR", str(mirror))
    (path,) = ensure_dataset("toy", make_manifest(), cache_dir=tmp_path / "cache")
    assert path.read_bytes() == CONTENT


def test_corrupt_cache_is_replaced(tmp_path, mirror):
    man = make_manifest()
    cached = tmp_path / "cache" / "toy" / "runs.jsonl"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage\n")
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path / "cache", mirror=mirror)
    assert path.read_bytes() == CONTENT


@pytest.mark.parametrize("kind", ["sha256", "md5", "git_blob"])
def test_checksum_mismatch_from_mirror(tmp_path, mirror, kind):
    bad = CONTENT.replace(b"3.0", b"4.0")  # same size, different content
    (mirror / "sub" / "runs.jsonl").write_bytes(bad)
    man = make_manifest(checksums=(kind,))
    with pytest.raises(ChecksumError) as err:
        ensure_dataset("toy", man, cache_dir=tmp_path / "cache", mirror=mirror)
    msg = str(err.value)
    expected = file_digests_bytes(CONTENT)[kind]
    actual = file_digests_bytes(bad)[kind]
    assert "runs.jsonl" in msg and kind in msg and expected in msg and actual in msg
    assert err.value.expected == expected and err.value.actual == actual
    folder = tmp_path / "cache" / "toy"
    assert not any(folder.iterdir())  # the bad file (and no temp file) is kept


def test_size_mismatch(tmp_path, mirror):
    (mirror / "sub" / "runs.jsonl").write_bytes(CONTENT + b"\n")
    with pytest.raises(ChecksumError, match="size mismatch"):
        ensure_dataset("toy", make_manifest(), cache_dir=tmp_path / "cache", mirror=mirror)


def test_download_from_local_http_server(tmp_path, http_root):
    root, base = http_root
    (root / "runs.jsonl").write_bytes(CONTENT)
    man = make_manifest(url=f"{base}/runs.jsonl", mirror_path=None,
                        checksums=("md5", "git_blob"))
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path / "cache")
    assert path.read_bytes() == CONTENT
    assert [p.name for p in path.parent.iterdir()] == ["runs.jsonl"]  # no temp file left


def test_download_used_when_mirror_lacks_file(tmp_path, http_root):
    root, base = http_root
    (root / "runs.jsonl").write_bytes(CONTENT)
    man = make_manifest(url=f"{base}/runs.jsonl")
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    (path,) = ensure_dataset("toy", man, cache_dir=tmp_path / "cache", mirror=empty)
    assert path.read_bytes() == CONTENT


def test_download_checksum_mismatch_not_kept(tmp_path, http_root):
    root, base = http_root
    (root / "runs.jsonl").write_bytes(CONTENT.replace(b"3.0", b"5.0"))
    man = make_manifest(url=f"{base}/runs.jsonl", mirror_path=None)
    with pytest.raises(ChecksumError, match="sha256 mismatch") as err:
        ensure_dataset("toy", man, cache_dir=tmp_path / "cache")
    assert base in str(err.value)
    assert not any((tmp_path / "cache" / "toy").iterdir())


def test_clear_error_when_nothing_works(tmp_path, http_root):
    _, base = http_root
    url = f"{base}/missing.jsonl"  # 404
    man = make_manifest(url=url)
    with pytest.raises(DataFetchError) as err:
        ensure_dataset("toy", man, cache_dir=tmp_path / "cache")
    msg = str(err.value)
    for part in ("'toy'", url, "sub/runs.jsonl", "HORIZON_DATA_MIRROR", "connect"):
        assert part in msg


def test_clear_error_mirror_only_without_mirror(tmp_path):
    with pytest.raises(DataFetchError, match="mirror-only") as err:
        ensure_dataset("toy", make_manifest(), cache_dir=tmp_path / "cache",
                       mirror=tmp_path / "nowhere")
    assert "nowhere" in str(err.value) and "HORIZON_DATA_MIRROR" in str(err.value)


def test_unknown_dataset(tmp_path):
    with pytest.raises(DataFetchError, match="unknown dataset 'nope'"):
        ensure_dataset("nope", make_manifest(), cache_dir=tmp_path)


def test_resolve_path_and_name(tmp_path, mirror):
    user = tmp_path / "mine.jsonl"
    user.write_bytes(CONTENT)
    man = make_manifest()
    assert resolve(user, man) == [user]
    assert resolve(str(user), man) == [user]
    assert resolve("toy", man, cache_dir=tmp_path / "c", mirror=mirror)[0].read_bytes() == CONTENT
    with pytest.raises(DataFetchError, match="neither an existing file"):
        resolve(tmp_path / "absent.jsonl", man)


def test_fetch_all(tmp_path, mirror):
    out = fetch_all(["toy"], make_manifest(), cache_dir=tmp_path / "c", mirror=mirror)
    assert list(out) == ["toy"] and out["toy"][0].is_file()


def test_generator_dataset_calls_simulate(tmp_path, monkeypatch):
    calls = []

    def write_synthetic_runs(path):
        calls.append(path)
        path.write_bytes(CONTENT)

    fake = types.ModuleType("horizonlib.data.simulate")
    fake.write_synthetic_runs = write_synthetic_runs
    monkeypatch.setitem(sys.modules, "horizonlib.data.simulate", fake)
    monkeypatch.setattr(horizonlib.data, "simulate", fake, raising=False)
    man = parse_manifest({"datasets": [{
        "name": "synth", "description": "d", "kind": "runs", "licence": "l", "schema": "s",
        "generator": "simulate", "files": [{"url": None, "filename": "runs.jsonl"}]}]})
    (path,) = ensure_dataset("synth", man, cache_dir=tmp_path)
    assert path == tmp_path / "synth" / "runs.jsonl" and path.read_bytes() == CONTENT
    ensure_dataset("synth", man, cache_dir=tmp_path)
    assert len(calls) == 1  # generated once per process (written aside, then renamed)
    assert [p.name for p in path.parent.iterdir()] == ["runs.jsonl"]


def test_real_manifest_dataset_from_mirror(tmp_path, mirror_dir):
    paths = ensure_dataset("th-1-1-8-models", cache_dir=tmp_path, mirror=mirror_dir)
    assert len(paths) == 8 and len({p.name for p in paths}) == 8
