"""Fetching datasets: cache, mirror and download paths, always checksum-verified."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from benchmarks.data import Dataset, DataUnavailable, fetch, read_registry, sha256_of, write_registry


@pytest.fixture
def upstream(tmp_path):
    """A folder of files as the upstream serves them."""
    folder = tmp_path / "upstream"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha\n")
    (folder / "sub" / "b.csv").write_text("x,y\n1,2\n")
    return folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARKS_DATA", str(tmp_path / "cache"))
    monkeypatch.delenv("BENCHMARKS_MIRROR", raising=False)
    return tmp_path / "cache"


@pytest.fixture
def server(upstream):
    """A local HTTP server for the download path (nothing leaves this machine)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(upstream))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _dataset(upstream, tmp_path, base_url="http://127.0.0.1:9/"):
    registry = tmp_path / "registry.txt"
    assert write_registry(upstream, registry) == 2
    return Dataset(name="demo", mirror="demo_task", base_url=base_url, files=read_registry(registry),
                   licence="CC0", citation="Doe (2020)")


def test_registry_round_trip(upstream, tmp_path):
    files = _dataset(upstream, tmp_path).files
    assert [f.path for f in files] == ["a.txt", "sub/b.csv"]
    assert files[0].sha256 == sha256_of(upstream / "a.txt") and files[0].size == 6
    bad = tmp_path / "bad.txt"
    bad.write_text("not a registry line\n")
    with pytest.raises(ValueError, match=f"{bad}:1: expected"):
        read_registry(bad)


def test_download_from_a_local_http_server(upstream, tmp_path, cache, server):
    dataset = _dataset(upstream, tmp_path, server)
    folder = fetch(dataset)
    assert folder == cache / "demo"
    assert (folder / "sub" / "b.csv").read_text() == "x,y\n1,2\n"
    (upstream / "a.txt").unlink()  # a second fetch uses the verified cache, not the server
    assert fetch(dataset) == folder


def test_a_download_with_another_checksum_is_deleted_and_reported(upstream, tmp_path, cache, server):
    dataset = _dataset(upstream, tmp_path, server)
    (upstream / "a.txt").write_text("tampered\n")
    with pytest.raises(DataUnavailable, match=r"a.txt from http://127.0.0.1:\d+/a.txt has sha256 .* the file was deleted"):
        fetch(dataset)
    assert not (cache / "demo" / "a.txt").exists()
    assert not [p for p in (cache / "demo").rglob("*") if p.is_file()]


def test_a_mirror_is_used_before_the_network_and_also_verified(upstream, tmp_path, cache, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "demo_task").mkdir(parents=True)
    import shutil

    shutil.copytree(upstream, mirror / "demo_task", dirs_exist_ok=True)
    monkeypatch.setenv("BENCHMARKS_MIRROR", str(mirror))
    dataset = _dataset(upstream, tmp_path)  # its URL points nowhere: only the mirror can serve it
    assert (fetch(dataset) / "a.txt").read_text() == "alpha\n"
    shutil.rmtree(cache)
    (mirror / "demo_task" / "a.txt").write_text("corrupt\n")
    with pytest.raises(DataUnavailable, match="a.txt from .*mirror.* has sha256"):
        fetch(dataset)
    assert not (cache / "demo" / "a.txt").exists()


def test_unavailable_data_says_how_to_get_it(upstream, tmp_path, cache):
    with pytest.raises(DataUnavailable) as error:
        fetch(_dataset(upstream, tmp_path))  # port 9: connection refused
    message = str(error.value)
    assert "python -m benchmarks fetch" in message and "BENCHMARKS_MIRROR" in message
    assert str(cache / "demo") in message and "Doe (2020)" in message


def test_the_tests_keep_out_of_the_users_data_cache():
    from pathlib import Path

    from benchmarks.data import cache_root

    # conftest points BENCHMARKS_DATA at a folder of the tests' own (before: ~/.cache/science-benchmarks)
    assert not cache_root().resolve().is_relative_to((Path.home() / ".cache").resolve())
