"""File store for uploaded materials and result documents (local folder by default).

Keys are content addresses (SHA-256), so storing the same bytes twice is harmless and
a crash between writing a file and committing the row leaves at worst an orphan file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class FileStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> bool: ...


class LocalFileStore:
    """Files below one folder, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(char in "0123456789abcdef" for char in key):
            raise KeyError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> bool:
        """Remove a file (retention purge); whether it was there. The caller checks that no
        other row still names the key (keys are content addresses, shared by equal files)."""
        path = self._path(key)
        if not path.exists():
            return False
        path.unlink()
        return True
