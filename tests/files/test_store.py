"""The local file store: what is put comes back, keys are content addresses, and a
key cannot reach outside the store's folder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tongban.demo.samples import SAMPLES
from tongban.files.store import LocalFileStore


def test_put_then_get_returns_the_same_bytes(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")

    key = store.put(SAMPLES["pdf"])

    assert store.get(key) == SAMPLES["pdf"]
    assert key == hashlib.sha256(SAMPLES["pdf"]).hexdigest()


def test_same_bytes_get_the_same_key_and_one_file(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")

    first = store.put(SAMPLES["png"])
    second = store.put(SAMPLES["png"])

    assert first == second
    assert [path.name for path in (tmp_path / "files").rglob("*") if path.is_file()] == [first]


def test_different_bytes_get_different_keys(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")

    assert store.put(SAMPLES["pdf"]) != store.put(SAMPLES["jpg"])


def test_a_new_store_on_the_same_folder_finds_earlier_files(tmp_path: Path) -> None:
    key = LocalFileStore(tmp_path / "files").put(SAMPLES["jpg"])

    assert LocalFileStore(tmp_path / "files").get(key) == SAMPLES["jpg"]


@pytest.mark.parametrize(
    "key",
    ["../x", "../" + "a" * 61, "/etc/passwd", "A" * 64, "", "0" * 63],
)
def test_malformed_or_malicious_keys_are_refused(tmp_path: Path, key: str) -> None:
    (tmp_path / "x").write_bytes(b"secret")
    store = LocalFileStore(tmp_path / "files")

    with pytest.raises(KeyError):
        store.get(key)


def test_unknown_well_formed_key_is_not_found(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")

    with pytest.raises(FileNotFoundError):
        store.get("0" * 64)
