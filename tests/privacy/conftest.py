"""The keyring is process-wide: a test that makes keys in its (rolled-back) transaction
leaves it to be read again from the database by the next session that begins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.pii.keys import KEYRING


@pytest.fixture(autouse=True)
def _keyring_reread() -> Iterator[None]:
    """Put back as it was, a snapshot would pair keys with the database they are not of
    (the keyring may hold another database's keys when the test starts: a migration test's
    scratch database); forgetting them makes the next session load its own."""
    yield
    KEYRING.keys.clear()
    KEYRING.active = None
    KEYRING.url = None
