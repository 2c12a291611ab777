"""The platform's own names have their English in one table (``audit.names``), read by
the pages and the API alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tongban.audit.names import PLATFORM_NAMES
from tongban.audit.service import platform_actor

PO = Path(str(resources.files("tongban"))) / "locale/en/LC_MESSAGES/messages.po"


def test_the_pages_message_catalog_repeats_none_of_the_platform_s_names() -> None:
    """A second English of 系统（秒批规则） in the pages' catalog could drift from the API's."""
    with PO.open("rb") as handle:
        msgids = {m.id for m in read_po(handle) if isinstance(m.id, str)}
    assert not msgids & PLATFORM_NAMES.keys()


def test_a_name_the_platform_would_act_under_without_its_english_is_refused() -> None:
    with pytest.raises(KeyError, match="PLATFORM_NAMES"):
        platform_actor("系统（未登记）")
