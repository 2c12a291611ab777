"""The keyring is process-wide: a test that makes a key in its (rolled-back) transaction
leaves its database's active key to be read again by the next session that begins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.pii.keys import KEYRING


@pytest.fixture(autouse=True)
def _keyring_reread() -> Iterator[None]:
    """Forget which key is active where: the key a test made is gone with its transaction.
    The keys themselves stay known (one may seal a value the next test still reads)."""
    yield
    KEYRING.databases.clear()
