"""Tests of horizonlib.data.manifest: the project manifest and its validation."""

import copy
import json
import re

import pytest
import yaml

from horizonlib.data.fetch import file_digests
from horizonlib.data.manifest import DEFAULT_MANIFEST, KINDS, ManifestError, load_manifest, parse_manifest

EXPECTED = {
    "pre-paper-2025-01": "runs", "paper-2025-03": "runs", "th-1-0": "runs", "th-1-1": "runs",
    "th-1-1-8-models": "runs", "th-1-1-rebench": "runs", "synthetic": "runs",
    "release-dates-paper": "release_dates", "release-dates-th": "release_dates",
    "release-dates-cross-domain": "release_dates",
    "published-fits-2025-06": "published_fits",
    "published-bootstrap-2025-06": "published_bootstrap",
    "benchmark-results-th-1-0": "benchmark_results",
    "benchmark-results-th-1-1-2026-02": "benchmark_results",
    "benchmark-results-th-1-1-2026-03": "benchmark_results",
}

EIGHT = {  # mirror folder -> alias (PROVENANCE.md)
    "th-1-1-gpt-4-0314": "GPT-4 0314", "th-1-1-gpt-4o": "GPT-4o (Inspect)",
    "th-1-1-o1-preview": "o1-preview", "th-1-1-claude-3-5-new": "Claude 3.5 Sonnet (New) (Inspect)",
    "th-1-1-o1": "o1 (Inspect)", "th-1-1-claude-3-7": "Claude 3.7 Sonnet (Inspect)",
    "th-1-1-o3": "o3 (Inspect)", "th-1-1-gpt-5": "GPT-5 (Inspect)",
}


@pytest.fixture(scope="module")
def manifest():
    return load_manifest()


@pytest.fixture()
def raw():
    return yaml.safe_load(DEFAULT_MANIFEST.read_text())


def test_default_manifest_has_the_api_names(manifest):
    for name, kind in EXPECTED.items():
        assert manifest[name].kind == kind, name
    assert all(ds.kind in KINDS for ds in manifest.values())


def test_default_manifest_found_from_any_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "th-1-0" in load_manifest()


def test_urls_are_commit_pinned(manifest):
    for ds in manifest.values():
        for f in ds.files:
            if f.url is not None:
                assert re.search(r"/[0-9a-f]{40}/", f.url), f.url
                assert f.url.startswith("https://raw.githubusercontent.com/")
            elif ds.generator is None:
                assert ds.mirror_only and f.mirror_path, ds.name


def test_mirror_only_and_generator_datasets(manifest):
    assert manifest["th-1-1-8-models"].mirror_only
    assert len(manifest["th-1-1-8-models"].files) == 8
    assert "th-1-1" in manifest["th-1-1-8-models"].description
    assert manifest["th-1-1-rebench"].mirror_only
    assert manifest["synthetic"].generator == "simulate"
    for name in ("paper-2025-03", "th-1-0", "th-1-1"):
        (f,) = manifest[name].files
        assert f.mirror_path is None and {"md5", "git_blob"} <= set(f.checksums)


def test_mirror_files_match_manifest_checksums(manifest, mirror_dir):
    n = 0
    for ds in manifest.values():
        for f in ds.files:
            if f.mirror_path:
                path = mirror_dir / f.mirror_path
                assert path.stat().st_size == f.size, f.mirror_path
                assert file_digests(path, f.checksums) == f.checksums, f.mirror_path
                n += 1
    assert n >= 25


def test_th11_model_table_matches_run_files(manifest, mirror_dir):
    """The results-key -> alias table equals the run lines' own `model` field."""
    table = manifest["benchmark-results-th-1-1-2026-02"].models
    assert table == manifest["benchmark-results-th-1-1-2026-03"].models
    pairs = set()
    for folder in EIGHT:
        with (mirror_dir / folder / "runs.jsonl").open() as fh:
            first = json.loads(fh.readline())
        assert first["alias"] == EIGHT[folder]
        pairs.add((first["model"], first["alias"]))
    for line in (mirror_dir / "th-1-1-rebench" / "runs_rebench.jsonl").read_text().splitlines():
        obj = json.loads(line)
        pairs.add((obj["model"], obj["alias"]))
    assert len(pairs) == 18
    for key, alias in pairs:
        assert table[key] == alias


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["datasets"][0].pop("kind"), r"missing required field\(s\) \['kind'\]"),
    (lambda d: d["datasets"][0].pop("files"), "missing required field"),
    (lambda d: d["datasets"][0].__setitem__("kind", "weights"), "unknown kind 'weights'"),
    (lambda d: d["datasets"][0]["files"][0].__setitem__("sha256", "xyz"), "64 hex digits"),
    (lambda d: d["datasets"][0]["files"][0].pop("url"), "mirror_only"),
    (lambda d: d["datasets"][1].__setitem__("name", d["datasets"][0]["name"]),
     "duplicate dataset name"),
    (lambda d: d["datasets"][0].__setitem__("colour", 1), "unknown field"),
    (lambda d: d["datasets"][0]["files"][0].__setitem__("size", -1), "non-negative"),
    (lambda d: [d["datasets"][0]["files"][0].pop(k, None) for k in ("sha256", "git_blob")],
     "at least one checksum"),
    (lambda d: d["datasets"][0].__setitem__("generator", "magic"), "unknown generator"),
])
def test_invalid_manifest_is_refused(raw, mutate, message):
    bad = copy.deepcopy(raw)
    mutate(bad)
    with pytest.raises(ManifestError, match=message) as err:
        parse_manifest(bad, source="sources.yml")
    assert "sources.yml" in str(err.value)


def test_missing_or_unparsable_manifest(tmp_path):
    with pytest.raises(ManifestError, match="not found"):
        load_manifest(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("datasets: [unclosed\n")
    with pytest.raises(ManifestError, match="not valid YAML"):
        load_manifest(bad)
    bad.write_text("hello: 1\n")
    with pytest.raises(ManifestError, match="'datasets' list"):
        load_manifest(bad)


def test_provenance_table_names_commit_and_checksum():
    from horizonlib.data.manifest import provenance_table

    table = provenance_table(["pre-paper-2025-01", "th-1-1-8-models", "my_runs.jsonl"])
    pre = table[table["dataset"] == "pre-paper-2025-01"].iloc[0]
    assert pre["commit"] == "19b03113b7a28276593e2c2b9a86fbb508a89dba"
    assert pre["checksum"].startswith("sha256:df59b43df7c0e031")
    assert pre["upstream"].startswith("https://raw.githubusercontent.com/METR/")
    th = table[table["dataset"] == "th-1-1-8-models"]
    assert len(th) == 8 and set(th["upstream"]) == {"mirror only"}
    assert set(th["commit"]) == {"2b4347d3f8c65df3be1ce8f3accbd5c40f0a51e6"}
    assert table.iloc[-1]["upstream"] == "user file"


KIND_OF_KEY = {"runs": "runs", "rebench_runs": "runs", "release_dates": "release_dates",
               "published_fits": "published_fits", "published_bootstrap": "published_bootstrap",
               "published_results": "benchmark_results"}


@pytest.mark.parametrize("edition", ["default", "offline", "synthetic"])
def test_editions_name_manifest_datasets_of_the_right_kind(manifest, repo_root, edition):
    """Each dataset an edition names is in the manifest with the kind its key expects; the
    default edition's can all be downloaded (pinned URL, size and a checksum), so a first run
    needs no mirror."""
    params = yaml.safe_load((repo_root / "params" / f"{edition}.yml").read_text())
    names = 0
    for key, kind in KIND_OF_KEY.items():
        value = params.get(key)
        for entry in [value] if isinstance(value, str) else (value or []):
            if entry.endswith((".yaml", ".yml", ".jsonl", ".csv")):
                assert (repo_root / entry).is_file(), entry  # a file of the repository
                continue
            assert manifest[entry].kind == kind, (edition, key, entry)
            names += 1
            if edition == "default":
                for f in manifest[entry].files:
                    assert f.url and re.search(r"/[0-9a-f]{40}/", f.url), entry
                    assert f.size and f.checksums, entry
    assert names > 0
