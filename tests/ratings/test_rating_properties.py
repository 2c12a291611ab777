"""Property tests of the rating rules: every score outside 1..5, and every bad score
without a comment, is refused with a message saying what to fix; every valid rating is
stored exactly (score as given, comment trimmed).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.ratings.conftest import Finish, case_id, user
from tongban.cases.enums import Channel
from tongban.errors import InvalidInput
from tongban.ratings import rules, service
from tongban.ratings.models import Rating

# anything a person can type: every printable character, line breaks and tabs
TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n\r\t"),
    max_size=rules.COMMENT_MAX,
)
UNPRINTABLE = st.sampled_from(
    [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
)
BLANK = st.one_of(st.none(), st.text(" \t\n\u3000", max_size=5))
NOT_A_SCORE = st.one_of(
    st.integers().filter(lambda n: not 1 <= n <= 5),
    st.booleans(),
    st.floats(),
    st.text(max_size=3),
    st.none(),
)
PROPERTIES = settings(max_examples=60, deadline=None)


@PROPERTIES
@given(score=NOT_A_SCORE, comment=st.one_of(st.none(), TEXT))
def test_a_score_outside_one_to_five_is_refused(score: object, comment: str | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.check_rating(score, comment)
    assert refused.value.field == "score"
    assert "1 到 5" in refused.value.message_zh and "1 to 5" in refused.value.message_en


@PROPERTIES
@given(score=st.integers(1, rules.BAD_AT_MOST), comment=BLANK)
def test_a_bad_score_without_a_comment_is_refused(score: int, comment: str | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.check_rating(score, comment)
    assert refused.value.field == "comment"
    assert "写明哪里做得不好" in refused.value.message_zh


@PROPERTIES
@given(score=st.integers(1, 5), comment=st.text(min_size=rules.COMMENT_MAX + 1, max_size=600))
def test_an_overlong_comment_is_refused(score: int, comment: str) -> None:
    assume(len(comment.strip()) > rules.COMMENT_MAX)  # not brought within the limit by trimming
    with pytest.raises(InvalidInput, match=f"at most {rules.COMMENT_MAX}"):
        rules.check_rating(score, comment)


@PROPERTIES
@given(score=st.integers(1, 5), before=TEXT, bad=UNPRINTABLE, after=TEXT)
def test_a_comment_with_control_characters_is_refused(
    score: int, before: str, bad: str, after: str
) -> None:
    comment = f"{before}{bad}x{after}"[-rules.COMMENT_MAX :]
    assume(bad in comment.strip())
    with pytest.raises(InvalidInput) as refused:
        rules.check_rating(score, comment)
    assert refused.value.field == "comment" and "控制字符" in refused.value.message_zh


@pytest.fixture
def number(finish: Finish) -> str:
    """One finished case for all the examples of a test; each example rates it in a savepoint."""
    return finish()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(score=st.integers(1, 5), comment=st.one_of(st.none(), TEXT))
def test_any_valid_rating_is_stored_exactly(
    db: Session, number: str, score: int, comment: str | None
) -> None:
    text = (comment or "").strip() or None
    assume(text is not None or not rules.is_bad(score))
    assume(text is None or len(text) <= rules.COMMENT_MAX)
    now = START + timedelta(days=10)
    savepoint = db.begin_nested()
    try:
        rating = service.rate_case(
            db,
            channel=Channel.web,
            case_id=case_id(db, number),
            user=user(db, "zhangsan"),
            score=score,
            comment=comment,
            now=now,
        )
        db.flush()
        db.expire_all()
        stored = db.scalars(select(Rating).where(Rating.id == rating.id)).one()
        assert (stored.score, stored.comment) == (score, text)
        assert stored.rectify_due_at == (now + timedelta(hours=24) if score <= 2 else None)
    finally:
        savepoint.rollback()
