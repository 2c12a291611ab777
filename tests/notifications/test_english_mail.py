"""An English-speaking applicant's mail names the case and its materials in English
(issue 12): the 容缺 notice listed the missing materials, and every mail its case's title,
in Chinese to a reader who chose English."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.lenient.test_deficiency import _accepted
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.ratings.conftest import user


@pytest.fixture
def mails_in(
    client: TestClient,
    as_user: Any,
    db: Session,
    smtp: tuple[Inbox, int],
    deliver: Deliver,
    tmp_path: Path,
    clock: Clock,
) -> Callable[[str], dict[str, str]]:
    """``mails_in(locale)``: the mails minfeng, reading ``locale``, gets for a 容缺 case
    accepted, by subject."""

    def mails(locale: str) -> dict[str, str]:
        inbox, port = smtp
        chosen = client.put(
            "/api/v1/me/message-language", json={"locale": locale}, headers=as_user("minfeng")
        )
        assert chosen.status_code == 200, chosen.text
        user(db, "minfeng").email = "wangwu@example.cn"
        db.flush()
        _accepted(client, as_user)
        deliver(clock.now + timedelta(minutes=1), mail_settings(port, tmp_path))
        return {
            str(m["Subject"]).split(":")[0].split("：")[0]: m.get_content() for m in inbox.messages
        }

    return mails


def test_the_deficiency_mail_names_the_case_and_materials_in_english(
    mails_in: Callable[[str], dict[str, str]],
) -> None:
    mails = mails_in("en")
    body = mails["Accepted with deficiencies"]
    assert "List of the rules that ensure food safety" in body, body
    assert '"Food business licence (commitment-based)"' in body, body
    assert "保证食品安全" not in body and "食品经营许可" not in body
    received = mails["Application received"]
    assert '"Food business licence (commitment-based)"' in received, received
    # its link opens the case page in English too
    assert re.search(r"https://tongban\.example\.cn/cases/[\w-]+\?lang=en\b", received), received


def test_the_chinese_reader_still_reads_chinese(
    mails_in: Callable[[str], dict[str, str]],
) -> None:
    body = mails_in("zh_Hans")["容缺受理通知"]
    assert "保证食品安全的规章制度目录清单" in body and "List of" not in body
