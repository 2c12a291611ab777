"""Expert review (专家评审, 行政许可法 art. 45): the clock pauses while a panel sits and runs
again at the last opinion or at the deadline, with due dates moved by the working days it
took; conflicts of interest are never drawn and a declared one is replaced; the draw is
distinct and fair."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.experts.conftest import MONDAY, Unit
from tests.experts.support import answer, convene, recuse, seats_of
from tests.factories import act, open_task, run_worker, submitted
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.schemas import StaffCreate
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.enums import ClockKind, PauseReason
from tongban.cases.models import Case, CasePause
from tongban.cases.models import Clock as CaseClock
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.experts import service as experts
from tongban.experts.models import Panel


def _end_of(day: int, month: int = 11) -> datetime:
    """24:00 Fuzhou time of a day of 2025 (what a limit in working days runs to), in UTC."""
    return datetime(2025, month, day, 16, 0, tzinfo=UTC)


def _due(unit: Unit, number: str) -> dict[str, datetime]:
    with unit() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        clocks = session.scalars(select(CaseClock).where(CaseClock.case_id == case.id)).all()
        return {c.kind: c.due_at for c in clocks if c.stopped_at is None and c.kind != "stage"}


def _case_id(unit: Unit, number: str) -> int:
    with unit() as session:
        return session.scalars(select(Case.id).where(Case.number == number)).one()


def _pauses(unit: Unit, number: str) -> list[tuple[str, datetime, datetime | None]]:
    with unit() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        rows = session.scalars(select(CasePause).where(CasePause.case_id == case.id))
        return [(p.reason, p.started_at, p.ended_at) for p in rows]


def test_the_last_opinion_resumes_the_clock_with_due_dates_moved_by_the_pause(
    client: TestClient, register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    number = review["case_number"]
    before = _due(unit, number)
    # accepted Monday 3 November: 20 working days to Monday 1 December, 3 to Thursday 6
    assert before == {ClockKind.legal: _end_of(1, 12), ClockKind.promised: _end_of(6)}
    panel_id = convene(unit, review, MONDAY)
    assert _pauses(unit, number) == [(PauseReason.expert_review, MONDAY, None)]
    seats = seats_of(unit, panel_id)
    assert len(seats) == 2

    wednesday = clock.advance(days=2)
    first, second = sorted(seats)
    answer(unit, first, seats[first][0], wednesday)
    assert _pauses(unit, number)[0][2] is None  # one opinion missing: still paused
    answer(unit, second, seats[second][0], wednesday, verdict="conditions")

    assert _pauses(unit, number) == [(PauseReason.expert_review, MONDAY, wednesday)]
    # paused Monday 10:00 to Wednesday 10:00: both limits two working days later
    assert _due(unit, number) == {ClockKind.legal: _end_of(3, 12), ClockKind.promised: _end_of(10)}
    with unit() as session:
        panel = session.get_one(Panel, panel_id)
        assert (panel.state, panel.closed_why, panel.closed_at) == ("closed", "answered", wednesday)
        resumed = session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == panel.case_id, AuditEntry.action == "case.resume"
            )
        ).one()
        assert resumed.opinion == "专家评审结束，收到 2 份意见"
        assert resumed.opinion_en == "Expert review ended, opinions received: 2."  # issue 15
    clock.now = _end_of(10)  # the deadline's job finds the panel closed and moves nothing
    run_worker(client)
    assert _due(unit, number)[ClockKind.legal] == _end_of(3, 12)


def test_the_deadline_resumes_the_clock_without_the_missing_opinions(
    client: TestClient, register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    number = review["case_number"]
    panel_id = convene(unit, review, MONDAY, size=3, working_days=3)
    with unit() as session:
        assert session.get_one(Panel, panel_id).due_at == _end_of(6)  # Thursday, 24:00
    seats = seats_of(unit, panel_id)
    tuesday = clock.advance(days=1)
    answering = sorted(seats)[0]
    answer(unit, answering, seats[answering][0], tuesday)

    clock.now = _end_of(6) - timedelta(minutes=1)
    run_worker(client)  # not due yet
    assert _pauses(unit, number)[0][2] is None
    clock.now = _end_of(6) + timedelta(hours=30)  # a worker that was down until Saturday
    assert "expert_panel.deadline" in " ".join(run_worker(client))

    # the pause ends at the deadline, not when the late worker came: it resumes on Friday,
    # so Tuesday to Friday (4 working days) do not count, as for every art. 45 pause
    assert _pauses(unit, number) == [(PauseReason.expert_review, MONDAY, _end_of(6))]
    assert _due(unit, number) == {ClockKind.legal: _end_of(5, 12), ClockKind.promised: _end_of(12)}
    states = {name: state for name, (_, state) in seats_of(unit, panel_id).items()}
    assert sorted(states.values()) == ["answered", "lapsed", "lapsed"]
    assert states[answering] == "answered"


def test_the_reviewer_cannot_resume_the_clock_while_the_panel_sits(
    register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    convene(unit, review, MONDAY)
    with unit() as session, pytest.raises(Conflict) as refused:
        user = accounts.find_user(session, username="wjw")
        assert user is not None
        case_id = _case_id(unit, review["case_number"])
        cases.resume_clock(session, case_id=case_id, user=user, now=MONDAY)
    assert refused.value.code == "procedure_running"


def test_experts_of_the_applicant_enterprise_are_never_drawn_and_a_declared_conflict_is_replaced(
    client: TestClient, as_user: Any, register: dict[str, int], unit: Unit, clock: Clock
) -> None:
    clock.now = MONDAY
    number = submitted(client, as_user("minfeng"), "3501-ST-001")["number"]  # 闽丰餐饮
    accept = open_task(client, as_user("st"), number, "accept")
    assert act(client, as_user("st"), accept, "accept").status_code == 200
    task = open_task(client, as_user("st"), number, "review")

    with pytest.raises(InvalidInput) as refused:  # zhuanjia5 works for the applicant
        convene(unit, task, MONDAY, by="st", field="environment", size=5)
    assert refused.value.field == "size" and "4" in refused.value.message_en
    panel_id = convene(unit, task, MONDAY, by="st", field="environment", size=3)
    seats = seats_of(unit, panel_id)
    assert "zhuanjia5" not in seats and len(seats) == 3

    recusing = sorted(seats)[0]
    recuse(unit, recusing, seats[recusing][0], MONDAY, "曾为该项目编制环评报告。")
    after = seats_of(unit, panel_id)
    assert after[recusing][1] == "recused"
    (replacement,) = set(after) - set(seats)  # the one expert left free of conflict
    assert replacement != "zhuanjia5" and after[replacement][1] == "drawn"
    assert set(after) == {"zhuanjia1", "zhuanjia2", "zhuanjia3", "zhuanjia4"}


def test_an_expert_outside_the_panel_cannot_see_the_case_nor_one_on_it_before_declaring(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    panel_id = convene(unit, review, MONDAY)
    seats = seats_of(unit, panel_id)
    outsider = next(f"zhuanjia{n}" for n in range(1, 6) if f"zhuanjia{n}" not in seats)
    member = sorted(seats)[0]
    seat_id = seats[member][0]
    with unit() as session:
        user = accounts.find_user(session, username=outsider)
        assert user is not None
        with pytest.raises(NotFound):
            experts.seat_of(session, seat_id=seat_id, user=user)
    number, material = (
        review["case_number"],
        _a_material(unit, _case_id(unit, review["case_number"])),
    )
    for path in (
        f"/experts/seats/{seat_id}",
        f"/experts/seats/{seat_id}/materials/{material}",
        f"/api/v1/cases/{number}",
        f"/api/v1/materials/{material}/content",
    ):
        assert client.get(path, headers=as_user(outsider)).status_code == 404, path
    # the member reads the materials only after declaring no conflict
    materials = f"/experts/seats/{seat_id}/materials/{material}"
    assert client.get(materials, headers=as_user(member)).status_code == 404
    page = client.get(f"/experts/seats/{seat_id}", headers=as_user(member))
    assert page.status_code == 200 and "materials-title" not in page.text
    with unit() as session:
        user = accounts.find_user(session, username=member)
        assert user is not None
        experts.declare(session, seat_id=seat_id, user=user, conflict=False, reason="", now=MONDAY)
    assert client.get(materials, headers=as_user(member)).status_code == 200
    assert client.get(f"/api/v1/cases/{number}", headers=as_user(member)).status_code == 404


def _a_material(unit: Unit, case_id: int) -> int:
    with unit() as session:
        rows = cases.materials(session, case=session.get_one(Case, case_id))
        return next(row.id for row in rows if row.storage_key)


def test_the_draw_is_distinct_repeatable_and_fair_with_a_fixed_seed() -> None:
    pool, size, rounds = list(range(10)), 3, 30_000
    rng = random.Random(20261201)
    counts: Counter[int] = Counter()
    draws = [experts.draw(pool, size, rng) for _ in range(rounds)]
    for drawn in draws:
        assert len(set(drawn)) == size  # no one twice on a panel
        counts.update(drawn)
    expected = rounds * size / len(pool)
    chi_square = sum((counts[m] - expected) ** 2 / expected for m in pool)
    assert chi_square < 21.67  # 9 degrees of freedom, p = 0.01
    again = random.Random(20261201)
    assert [experts.draw(pool, size, again) for _ in range(5)] == draws[:5]
    assert sorted(experts.draw(pool, 20, rng)) == pool  # a pool smaller than asked: everyone


def test_an_expert_account_holds_no_other_role(unit: Unit) -> None:
    data = StaffCreate(
        username="zhuanjia9",
        password="demo12345",
        display_name="王专家",
        department_code="WJW",
        roles=[Role.expert, Role.reviewer],
    )
    with unit() as session, pytest.raises(InvalidInput) as refused:
        accounts.create_staff(session, data=data)
    assert "expert role only" in refused.value.message_en


def test_the_case_record_names_the_limit_of_each_alert_after_a_review(
    client: TestClient, register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    """After a panel, the promised and the legal limit run out in the same minute: the case
    record says which limit each 督办 is about (the trial saw each level twice with nothing
    to tell them apart)."""
    from tests.web.support import sign_in

    number = review["case_number"]
    panel_id = convene(unit, review, MONDAY)
    wednesday = clock.advance(days=2)
    for name, (seat, _) in sorted(seats_of(unit, panel_id).items()):
        answer(unit, name, seat, wednesday)
    clock.now = _end_of(20, 12)
    run_worker(client)
    client.cookies.clear()
    sign_in(client, "supervisor")
    page = client.get(f"/cases/{number}").text
    for limit in ("承诺期限", "法定期限", "审查"):
        # the worker ran once, after each limit was escalated: the level reached alone
        assert page.count(f"{limit}：超期督办") == 1, limit
        assert f"{limit}：时限预警" not in page and f"{limit}：超过时限" not in page, limit
    english = client.get(f"/cases/{number}", params={"lang": "en"}).text
    assert "Promised limit" in english


def test_every_wrong_part_of_an_expert_entry_is_named_at_once(
    unit: Unit, register: dict[str, int], clock: Clock
) -> None:
    """The register named the first wrong part only (no field chosen), the employer and the
    phone after further tries."""
    entry = experts.Entry(fields=[], employer=" ", phone="1390000000")
    with unit() as session, pytest.raises(InvalidInput) as refused:
        admin = accounts.find_user(session, username="admin")
        assert admin is not None
        experts.update(
            session,
            expert_id=register["zhuanjia1"],
            entry=entry,
            active=True,
            actor=accounts.actor_of(admin),
            now=clock.now,
        )
    fields = [d["field"] for d in refused.value.details or []]
    assert fields == ["fields", "employer", "phone"]
