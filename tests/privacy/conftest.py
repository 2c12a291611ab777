"""The keyring is process-wide: a test that makes keys in its (rolled-back) transaction
puts it back as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.pii.keys import KEYRING


@pytest.fixture(autouse=True)
def _keyring_restored() -> Iterator[None]:
    keys, active = dict(KEYRING.keys), KEYRING.active
    yield
    KEYRING.keys.clear()
    KEYRING.keys.update(keys)
    KEYRING.active = active
