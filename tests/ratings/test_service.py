"""好差评 rules at the service layer: who rates, when, once; a bad rating needs a comment
and is due for rectification after the configured hours; only the rated department
rectifies, once; everything is audited and the applicant hears of the rectification.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.ratings.conftest import Finish, case_id, user
from tongban.audit.models import AuditEntry
from tongban.cases.enums import Channel
from tongban.config import get_settings
from tongban.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from tongban.outbox.models import OutboxMessage
from tongban.ratings import service

NOW = START + timedelta(days=10)


@contextmanager
def refused(kind: type[DomainError], words: str) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """Expect ``kind`` with ``words`` in its Chinese message."""
    with pytest.raises(kind) as caught:
        yield caught
    assert words in caught.value.message_zh, caught.value.message_zh


def _rate(db: Session, number: str, score: int, comment: str | None = None, who: str = "zhangsan"):  # type: ignore[no-untyped-def]
    return service.rate_case(
        db,
        channel=Channel.web,
        case_id=case_id(db, number),
        user=user(db, who),
        score=score,
        comment=comment,
        now=NOW,
    )


def _actions(db: Session, number: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.case_id == case_id(db, number))
    return list(db.scalars(query.order_by(AuditEntry.id)))


def _messages(db: Session, username: str) -> list[str]:
    query = select(OutboxMessage.topic).where(OutboxMessage.recipient_id == user(db, username).id)
    return list(db.scalars(query))


def test_a_good_rating_is_stored_and_audited_with_nothing_to_rectify(
    db: Session, finish: Finish
) -> None:
    number = finish()
    rating = _rate(db, number, 5, "  窗口服务热情，一次办好。  ")
    assert (rating.score, rating.comment, rating.department_code) == (
        5,
        "窗口服务热情，一次办好。",
        "RS",
    )
    assert rating.rectify_due_at is None
    assert _actions(db, number)[-1] == "rating.create"
    assert service.rating_of_case(db, case_id=case_id(db, number)) is rating


def test_a_bad_rating_needs_a_comment_and_is_due_after_the_configured_hours(
    db: Session, finish: Finish
) -> None:
    number = finish()
    for blank in (None, "", "   \n"):
        with refused(InvalidInput, "写明哪里做得不好") as caught:
            _rate(db, number, 2, blank)
        assert caught.value.field == "comment"
    rating = _rate(db, number, 1, "窗口让我跑了三次。")
    assert rating.rectify_due_at == NOW + timedelta(hours=24)


def test_the_due_time_comes_from_the_setting(
    db: Session, finish: Finish, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = finish()
    monkeypatch.setenv("TONGBAN_RATING_RECTIFY_HOURS", "8")
    get_settings.cache_clear()
    try:
        rating = service.rate_case(
            db,
            channel=Channel.web,
            case_id=case_id(db, number),
            user=user(db, "zhangsan"),
            score=2,
            comment="等待太久。",
            now=NOW,
        )
    finally:
        monkeypatch.delenv("TONGBAN_RATING_RECTIFY_HOURS")
        get_settings.cache_clear()
    assert rating.rectify_due_at == NOW + timedelta(hours=8)


def test_only_the_applicant_rates(db: Session, finish: Finish) -> None:
    number = finish()
    with pytest.raises(NotFound):
        _rate(db, number, 5, who="lisi")  # not even told the case exists
    with refused(NotAllowed, "只有申请人"):
        _rate(db, number, 5, who="rs")  # the department sees the case, but does not rate it
    with pytest.raises(NotAllowed):
        _rate(db, number, 5, who="supervisor")


def test_only_finished_cases_are_rated_and_only_once(db: Session, finish: Finish) -> None:
    with refused(Conflict, "办结"):
        _rate(db, finish("submitted"), 5)
    with refused(Conflict, "撤回"):
        _rate(db, finish("withdrawn"), 5)
    rejected = finish("rejected")
    assert _rate(db, rejected, 3).score == 3
    with refused(Conflict, "只能评价一次") as again:
        _rate(db, rejected, 4)
    assert again.value.code == "already_rated"


def test_the_department_rectifies_once_and_the_applicant_is_told(
    db: Session, finish: Finish
) -> None:
    number = finish()
    rating = _rate(db, number, 2, "材料要求说明不清楚。")
    for outsider in ("ga", "supervisor", "zhangsan"):
        with refused(NotAllowed, "被评价部门"):
            service.rectify(
                db, rating_id=rating.id, user=user(db, outsider), text="已整改", now=NOW
            )
    with refused(InvalidInput, "整改情况") as empty:
        service.rectify(db, rating_id=rating.id, user=user(db, "rs"), text="  ", now=NOW)
    assert empty.value.field == "text"
    assert "rating_rectified" not in _messages(db, "zhangsan")

    later = NOW + timedelta(hours=3)
    done = service.rectify(
        db,
        rating_id=rating.id,
        user=user(db, "rs"),
        text=" 已修订办事指南并致电申请人。 ",
        now=later,
    )
    assert (done.rectification, done.rectified_by, done.rectified_at) == (
        "已修订办事指南并致电申请人。",
        "人社审查员",
        later,
    )
    assert _actions(db, number)[-2:] == ["rating.create", "rating.rectify"]
    assert "rating_rectified" in _messages(db, "zhangsan")
    with refused(Conflict, "已由人社审查员整改"):
        service.rectify(db, rating_id=rating.id, user=user(db, "rs"), text="再次", now=later)


def test_good_ratings_need_no_rectification(db: Session, finish: Finish) -> None:
    rating = _rate(db, finish(), 4)
    with refused(Conflict, "只有差评"):
        service.rectify(db, rating_id=rating.id, user=user(db, "rs"), text="谢谢", now=NOW)
    with pytest.raises(NotFound):
        service.rectify(db, rating_id=rating.id + 999, user=user(db, "rs"), text="x", now=NOW)


def test_the_list_puts_open_ratings_first_and_flags_the_overdue(
    db: Session, finish: Finish
) -> None:
    first, second, good = finish(), finish(), finish()
    early = _rate(db, first, 1, "态度差。")
    late = service.rate_case(
        db,
        channel=Channel.web,
        case_id=case_id(db, second),
        user=user(db, "zhangsan"),
        score=2,
        comment="排队久。",
        now=NOW + timedelta(hours=20),
    )
    _rate(db, good, 5)
    at = NOW + timedelta(hours=30)  # the first is overdue, the second has 14 hours left
    rows = service.list_ratings(
        db, user=user(db, "rs"), department_code=None, bad_only=True, now=at
    )
    assert [row.rating.id for row in rows] == [early.id, late.id]
    assert [row.overdue for row in rows] == [True, False]
    assert [row.urgency for row in rows] == ["red", "green"]
    assert rows[1].minutes_left == 14 * 60

    service.rectify(db, rating_id=early.id, user=user(db, "rs"), text="已整改。", now=at)
    rows = service.list_ratings(
        db, user=user(db, "rs"), department_code="RS", bad_only=False, now=at
    )
    assert rows[0].rating.id == late.id  # the one still open comes first
    assert {row.rating.score for row in rows} == {1, 2, 5}
    assert next(row for row in rows if row.rating.id == early.id).late


def test_departments_see_their_own_list_supervisors_any(db: Session, finish: Finish) -> None:
    _rate(db, finish(), 1, "不满意。")
    with refused(NotAllowed, "本部门"):
        service.list_ratings(db, user=user(db, "ga"), department_code="RS", bad_only=True, now=NOW)
    assert (
        service.list_ratings(db, user=user(db, "ga"), department_code=None, bad_only=True, now=NOW)
        == []
    )
    with pytest.raises(NotAllowed):
        service.list_ratings(
            db, user=user(db, "zhangsan"), department_code=None, bad_only=True, now=NOW
        )
    everyone = service.list_ratings(
        db, user=user(db, "supervisor"), department_code=None, bad_only=True, now=NOW
    )
    assert [row.rating.department_code for row in everyone] == ["RS"]
