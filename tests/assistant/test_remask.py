"""Questions kept before a masking rule existed are masked by the upgrade that brings it
(``tongban migrate``) or by ``tongban catalog remask-questions``: trial17 found phone numbers
with dashes kept in full, and the rule that masks them masked only what was asked after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.factories import unanswered
from tongban.assistant.models import UnansweredQuestion
from tongban.cli import app, base, run
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

runner = CliRunner()
# as kept before the rules masked numbers broken by dashes and spaces, e-mails and names
OLD = ("开桌游吧 我电话138-0013-8000", "开桌游吧 我叫王小明 邮箱 wang.xm@example.com")


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    yield
    structlog.reset_defaults()


@pytest.fixture
def kept_before(monkeypatch: pytest.MonkeyPatch, runtime: Runtime, db: Session) -> Session:
    """The CLI on the test's database (no schema change to make), with questions kept under
    the old rules, one of them answered since."""
    monkeypatch.setattr(base, "runtime", lambda **_: runtime)
    monkeypatch.setattr(run, "upgrade", lambda url: None)
    now = utcnow()
    unanswered(db, OLD[0], now)
    unanswered(db, OLD[1], now, resolved_at=now)
    unanswered(db, "开桌游吧", now)
    unanswered(db, "开桌游吧 我电话＊", now)  # the same number, masked when asked
    db.commit()
    return db


def _kept(db: Session) -> list[str]:
    db.expire_all()
    return sorted(db.scalars(select(UnansweredQuestion.question)))


@pytest.mark.parametrize("command", [["migrate"], ["catalog", "remask-questions"]])
def test_questions_kept_under_older_rules_are_masked(
    kept_before: Session, command: list[str]
) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "2 个未答问题" in result.output
    kept = " ".join(_kept(kept_before))
    for personal in ("8000", "王小明", "wang.xm", "example.com"):
        assert personal not in kept, kept
    assert kept.count("开桌游吧") == 3  # the first masked as the one masked when asked:
    counted = kept_before.scalar(
        select(UnansweredQuestion.asks).where(UnansweredQuestion.question == "开桌游吧 我电话＊")
    )
    assert counted == 2  # one question, asked twice
    again = runner.invoke(app, ["catalog", "remask-questions"])
    assert again.exit_code == 0 and "未答问题" not in again.output  # nothing left to mask
