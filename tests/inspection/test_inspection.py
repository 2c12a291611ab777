"""On-site inspection (现场踏勘) of 食品生产许可 (3501-SCJG-005, which requires one and
counts its time, 《食品生产许可管理办法》第二十一条、第二十二条): two inspectors drawn at
random, the appointment, findings and photos, rectification and the second visit, the
review it withholds, and who may do what; and the clock stopping where an item's rules
make the on-site step one that 行政许可法 art. 45 excludes from the limit.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.web.support import SignedIn, csrf
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.alerts.models import Alert
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.enums import ClockKind, PauseReason, TaskOutcome
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.demo.samples import SAMPLES
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.store import LocalFileStore
from tongban.inspection import drawing
from tongban.inspection import service as inspection
from tongban.inspection.enums import InspectionResult, InspectionState, VisitState
from tongban.privacy import retention
from tongban.web.runtime import Runtime
from tongban.worker import run_once

FOOD_PRODUCTION = "3501-SCJG-005"
# Thursday 2025-11-06 10:00 Beijing time: the pause runs over a weekend
ACCEPTED = datetime(2025, 11, 6, 2, 0, tzinfo=UTC)
PNG, JPG, PDF = SAMPLES["png"], SAMPLES["jpg"], SAMPLES["pdf"]


def user(db: Session, username: str) -> User:
    found = accounts.find_user(db, username=username)
    assert found is not None, username
    return found


def _in_review(client: TestClient, as_user: Any, clock: Clock) -> dict[str, Any]:
    clock.now = ACCEPTED
    number = submitted(client, as_user("minfeng"), FOOD_PRODUCTION)["number"]
    staff = as_user("scjg")
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    return open_task(client, staff, number, "review")


@pytest.fixture
def review(client: TestClient, as_user: Any, clock: Clock) -> dict[str, Any]:
    """A 食品生产许可 case of 民丰 accepted by 市场监管 on a Thursday morning, in review."""
    return _in_review(client, as_user, clock)


@pytest.fixture
def tested_review(
    client: TestClient, as_user: Any, clock: Clock, db: Session, catalog_copy: CatalogCopy
) -> dict[str, Any]:
    """As ``review``, under an item version whose rules make the on-site step a 检测 (the
    measurement of the premises), which 行政许可法 第四十五条 keeps out of the limit. No demo
    item has such a step: a version of 食品生产许可 declares one."""
    name = f"items/{FOOD_PRODUCTION}.yaml"
    catalog_copy.replace(name, "  pauses_clock: false\n", "  pauses_clock: true\n")
    text = catalog_copy.text(name)
    basis = text[text.index("  basis: 《食品生产许可管理办法》") : text.index("  checklist:")]
    catalog_copy.replace(
        name,
        basis,
        "  basis: 现场检测所需时间依《中华人民共和国行政许可法》第四十五条不计入许可期限\n",
    )
    catalog.load_catalog(db, root=catalog_copy.root)
    db.commit()
    return _in_review(client, as_user, clock)


def _order(db: Session, task: dict[str, Any], seed: int = 7) -> Any:
    return inspection.order_inspection(
        db,
        task_id=task["id"],
        user=user(db, "scjg"),
        reason="核实生产场所",
        now=ACCEPTED,
        rng=random.Random(seed),
    )


VISIT = datetime(2025, 11, 7, 1, 30, tzinfo=UTC)  # 09:30 in Fuzhou, the visit agreed


def _agree(db: Session, found: Any, inspector: User, now: datetime) -> None:
    """The visit, proposed an hour before ``now``, was agreed for half an hour before it:
    its findings can be recorded at ``now``."""
    inspection.propose_visit(
        db,
        inspection_id=found.id,
        user=inspector,
        visit_at=now - timedelta(minutes=30),
        note="请负责人在场",
        now=now - timedelta(hours=1),
    )
    inspection.answer_visit(
        db, inspection_id=found.id, user=user(db, "minfeng"), accept=True, reply="", now=now
    )


def _verdicts(found: Any, failed: str = "") -> dict[str, inspection.Verdict]:
    return {
        check["code"]: inspection.Verdict(check["code"] != failed, "更衣室缺少洗手消毒设施")
        for check in found.checklist
    }


def _conclude(
    db: Session,
    found: Any,
    inspector: User,
    now: datetime,
    *,
    result: InspectionResult = InspectionResult.passed,
    failed: str = "",
    rectification: str = "",
) -> Any:
    """``inspector`` records the visit: every check passed but ``failed``, and ``result``."""
    return inspection.conclude(
        db,
        inspection_id=found.id,
        user=inspector,
        verdicts=_verdicts(found, failed=failed),
        result=result,
        rectification=rectification,
        now=now,
    )


def _cosign(db: Session, found: Any, recorder: User, now: datetime) -> None:
    """The drawn inspector who did not record the visit co-signs its record."""
    other = next(i for i in found.inspector_ids if i != recorder.id)
    inspection.cosign(db, inspection_id=found.id, user=db.get_one(User, other), now=now)


def _review(db: Session, task: dict[str, Any], outcome: TaskOutcome, now: datetime) -> Any:
    return cases.review_task(
        db,
        task_id=task["id"],
        user=user(db, "scjg"),
        outcome=outcome,
        opinion="经审查，符合条件" if outcome == TaskOutcome.approved else "现场踏勘不合格",
        now=now,
        store=LocalFileStore(db.info.get("files", "/tmp/tongban-test-files")),
    )


def test_the_two_inspectors_are_distinct_random_and_the_same_for_the_same_seed(
    db: Session,
) -> None:
    pairs = {
        tuple(u.username for u in drawing.draw(db, department="SCJG", rng=random.Random(seed)))
        for seed in range(30)
    }
    assert all(first != second for first, second in pairs)
    assert {name for pair in pairs for name in pair} == {"takan1", "takan2", "takan3"}
    assert len(pairs) > 1  # not one fixed pair
    again = [drawing.draw(db, department="SCJG", rng=random.Random(7)) for _ in range(2)]
    assert again[0] == again[1]
    pool = drawing.present_inspectors(db, department="SCJG")
    assert "scjg" not in {u.username for u in pool}  # the reviewer is never an inspector


def test_every_unmarked_check_and_every_failure_without_a_finding_is_named_at_once(
    db: Session, review: dict[str, Any]
) -> None:
    found = _order(db, review)
    first = db.get_one(User, found.first_inspector_id)
    _agree(db, found, first, ACCEPTED + timedelta(hours=1))
    codes = [check["code"] for check in found.checklist]
    assert len(codes) >= 3
    verdicts = {codes[0]: inspection.Verdict(False)}  # failed, nothing written; the rest unmarked
    with pytest.raises(InvalidInput) as refused:
        inspection.conclude(
            db,
            inspection_id=found.id,
            user=first,
            verdicts=verdicts,
            result=InspectionResult.failed,
            rectification="",
            now=ACCEPTED + timedelta(days=1),
        )
    named = [detail["field"] for detail in refused.value.details]
    assert named == [f"note-{codes[0]}", *(f"check-{code}" for code in codes[1:])]


def test_a_result_that_breaks_two_rules_names_both_at_once(
    db: Session, review: dict[str, Any]
) -> None:
    found = _order(db, review)
    first = db.get_one(User, found.first_inspector_id)
    _agree(db, found, first, ACCEPTED + timedelta(hours=1))
    with pytest.raises(InvalidInput) as refused:  # every check passed, and nothing to rectify
        _conclude(db, found, first, ACCEPTED + timedelta(days=1), result=InspectionResult.rectify)
    named = [detail["field"] for detail in refused.value.details]
    assert named == ["result", "rectification"]
    assert refused.value.messages_by_field("en") == {
        "result": "Every check passed: the result is passed.",
        "rectification": "Say what must be rectified, and by when.",
    }
    assert found.unsigned_result is None  # nothing recorded


def test_inspectors_are_never_taken_as_reviewers_and_too_few_draw_none(
    client: TestClient, as_user: Any, db: Session, review: dict[str, Any]
) -> None:
    inspector = as_user("takan1")
    assert client.get(f"{API}/tasks", headers=inspector).json() == []  # no review queue
    answer = act(client, inspector, review, "review", outcome="approved", opinion="同意")
    assert answer.status_code in (403, 404), answer.text
    with pytest.raises(Conflict) as refused:
        drawing.draw(db, department="WJW")
    assert "不足 2 名" in refused.value.message("zh_Hans")


def test_a_failed_check_then_a_re_inspection_that_passes_lets_the_review_approve(
    db: Session, review: dict[str, Any]
) -> None:
    found = _order(db, review)
    first = db.get_one(User, found.first_inspector_id)
    assert found.state == InspectionState.open and found.round == 1
    with pytest.raises(Conflict) as waiting:  # no opinion while the inspection runs
        _review(db, review, TaskOutcome.approved, ACCEPTED + timedelta(hours=1))
    assert waiting.value.code == "review_withheld"
    with pytest.raises(Conflict):  # no findings before the applicant agreed the time
        _conclude(db, found, first, ACCEPTED)
    _agree(db, found, first, ACCEPTED + timedelta(hours=1))
    visit = ACCEPTED + timedelta(days=1)
    with pytest.raises(InvalidInput) as not_a_pass:  # a failed check is no pass
        _conclude(db, found, first, visit, failed="staff")
    assert "不能判定为合格" in not_a_pass.value.message("zh_Hans")
    _conclude(
        db,
        found,
        first,
        visit,
        result=InspectionResult.rectify,
        failed="staff",
        rectification="7日内为从业人员办理健康证明后申请复查",
    )
    assert (found.round, found.unsigned_result) == (1, InspectionResult.rectify)  # unsigned
    _cosign(db, found, first, visit)
    assert (found.state, found.round, found.visit_state) == (InspectionState.open, 2, None)
    second = db.get_one(User, found.second_inspector_id)  # either drawn inspector goes on
    # the re-visit on Monday morning, after the weekend: visits are made on working days
    _agree(db, found, second, visit + timedelta(days=3))
    with pytest.raises(InvalidInput):  # the re-inspection passes or fails, no third visit
        _conclude(
            db,
            found,
            second,
            visit + timedelta(days=4),
            result=InspectionResult.rectify,
            failed="staff",
            rectification="再次整改",
        )
    _conclude(db, found, second, visit + timedelta(days=4))
    assert found.state == InspectionState.open  # not before the other co-signed
    _cosign(db, found, second, visit + timedelta(days=4))
    assert found.state == InspectionState.passed
    rounds = inspection.findings(db, inspection=found)
    assert not rounds[1]["staff"].passed and rounds[1]["staff"].note
    assert all(finding.passed for finding in rounds[2].values())
    task = _review(db, review, TaskOutcome.approved, visit + timedelta(days=4, hours=1))
    assert task.outcome == TaskOutcome.approved


def test_a_failed_inspection_lets_the_review_refuse_only(
    db: Session, review: dict[str, Any]
) -> None:
    with pytest.raises(Conflict) as first_inspect:  # required: no approval without one
        _review(db, review, TaskOutcome.approved, ACCEPTED)
    assert "须经现场踏勘合格" in first_inspect.value.message("zh_Hans")
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED)
    _conclude(
        db,
        found,
        inspector,
        ACCEPTED + timedelta(days=1),
        result=InspectionResult.failed,
        failed="premises",
    )
    _cosign(db, found, inspector, ACCEPTED + timedelta(days=1))
    with pytest.raises(Conflict) as refused:
        _review(db, review, TaskOutcome.approved, ACCEPTED + timedelta(days=1, hours=1))
    assert "不合格" in refused.value.message("zh_Hans")
    task = _review(db, review, TaskOutcome.refused, ACCEPTED + timedelta(days=1, hours=1))
    assert task.outcome == TaskOutcome.refused


def _legal_due(db: Session, case_id: int) -> datetime:
    db.expire_all()
    case = db.get_one(Case, case_id)
    return next(c.due_at for c in case.clocks if c.kind == ClockKind.legal)


def test_the_food_production_inspection_counts_towards_the_limit_as_its_rules_say(
    db: Session, review: dict[str, Any], signed_in: SignedIn
) -> None:
    """Issue 16: 食品生产许可 stopped the clock for its 现场核查, which 《食品生产许可管理办法》
    第二十一条 fits into the 10 working days of 第二十二条 and 行政许可法 第四十五条 does not
    exclude: the applicant's due date moved by the days of the visit. Now it stays."""
    case_id = db.get_one(Case, _order(db, review).case_id).id
    before = _legal_due(db, case_id)
    found = inspection.of_case(db, case_id=case_id)[0]
    assert found.pause_id is None and not db.get_one(Case, case_id).pauses
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED + timedelta(hours=1))
    monday = datetime(2025, 11, 10, 2, 0, tzinfo=UTC)
    _conclude(db, found, inspector, monday)
    _cosign(db, found, inspector, monday)
    assert _legal_due(db, case_id) == before == datetime(2025, 11, 20, 16, 0, tzinfo=UTC)
    db.commit()
    guide = signed_in("minfeng").get(f"/items/{FOOD_PRODUCTION}").text
    visit = guide[guide.index("<td>现场踏勘</td>") :]
    assert visit.startswith("<td>现场踏勘</td>\n    <td>计入审查时限</td>")
    case_page = signed_in("minfeng").get(f"/cases/{review['case_number']}").text
    assert "踏勘期间暂停计时" not in case_page


def test_the_clock_pauses_while_an_inspection_the_law_excludes_runs_and_the_due_date_moves(
    db: Session, tested_review: dict[str, Any]
) -> None:
    """Ordered Thursday 10:00, passed Monday 10:00: two working days (Thursday to Friday,
    Friday to Monday) do not count, so the legal limit of 10 working days ends two working
    days later."""
    review = tested_review
    case_id = db.get_one(Case, _order(db, review).case_id).id
    before = _legal_due(db, case_id)
    found = inspection.of_case(db, case_id=case_id)[0]
    pause = db.get_one(Case, case_id).pauses[-1]
    assert pause.reason == PauseReason.inspection and pause.ended_at is None
    assert found.pause_id == pause.id
    # the timeline's entry of the pause read in Chinese on English pages and in the API
    paused = db.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.action == "case.pause")
    ).one()
    assert (
        paused.opinion_en == "On-site inspection: its time does not count towards the time limit."
    )
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED + timedelta(hours=1))
    monday = datetime(2025, 11, 10, 2, 0, tzinfo=UTC)
    _conclude(db, found, inspector, monday)
    assert pause.ended_at is None  # the record counts once co-signed
    _cosign(db, found, inspector, monday)
    assert pause.ended_at == monday
    after = _legal_due(db, case_id)
    # accepted Thursday 11-06: 10 working days from the next day end with Thursday 11-20
    # (due at midnight Beijing time); two working days later: Monday 11-24, over a weekend
    assert before == datetime(2025, 11, 20, 16, 0, tzinfo=UTC)
    assert after == datetime(2025, 11, 24, 16, 0, tzinfo=UTC)


def test_only_the_drawn_inspectors_act_and_only_the_applicant_answers(
    db: Session, review: dict[str, Any]
) -> None:
    found = _order(db, review)
    drawn = set(found.inspector_ids)
    other = next(u for u in drawing.present_inspectors(db, department="SCJG") if u.id not in drawn)
    soon = ACCEPTED + timedelta(days=1)
    with pytest.raises(NotAllowed) as refused:
        inspection.propose_visit(
            db, inspection_id=found.id, user=other, visit_at=soon, note="", now=ACCEPTED
        )
    assert "随机选派的两名踏勘人员" in refused.value.message("zh_Hans")
    with pytest.raises(NotAllowed):
        inspection.add_photo(
            db,
            inspection_id=found.id,
            user=other,
            photo=inspection.Photo("site.png", PNG),
            now=ACCEPTED,
            store=LocalFileStore("/tmp/tongban-test-files"),
        )
    with pytest.raises(NotFound):  # the reviewer does not inspect
        inspection.propose_visit(
            db, inspection_id=found.id, user=user(db, "scjg"), visit_at=soon, note="", now=ACCEPTED
        )
    inspector = db.get_one(User, found.first_inspector_id)
    inspection.propose_visit(
        db, inspection_id=found.id, user=inspector, visit_at=soon, note="", now=ACCEPTED
    )
    with pytest.raises(NotFound):  # another applicant learns nothing of it
        inspection.answer_visit(
            db,
            inspection_id=found.id,
            user=user(db, "zhangsan"),
            accept=True,
            reply="",
            now=ACCEPTED,
        )
    with pytest.raises(InvalidInput):  # another time needs the time that suits
        inspection.answer_visit(
            db,
            inspection_id=found.id,
            user=user(db, "minfeng"),
            accept=False,
            reply="",
            now=ACCEPTED,
        )
    inspection.answer_visit(
        db,
        inspection_id=found.id,
        user=user(db, "minfeng"),
        accept=False,
        reply="下周一上午",
        now=ACCEPTED,
    )
    assert found.visit_state == VisitState.other_asked and found.reply == "下周一上午"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("site.pdf", PDF, "格式不受支持，请上传 JPG、PNG 格式"),
        ("site.jpg", PNG, "内容不是 JPG 格式"),
        ("site.gif", b"GIF89a" + b"\x00" * 16, "格式不受支持"),
    ],
)
def test_photos_of_a_wrong_type_are_refused_with_what_to_fix(
    db: Session, review: dict[str, Any], tmp_path: Any, name: str, data: bytes, says: str
) -> None:
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED)
    store = LocalFileStore(tmp_path)
    with pytest.raises(InvalidInput) as refused:
        inspection.add_photo(
            db,
            inspection_id=found.id,
            user=inspector,
            photo=inspection.Photo(name, data),
            now=ACCEPTED,
            store=store,
        )
    assert says in refused.value.message("zh_Hans")
    kept = inspection.add_photo(
        db,
        inspection_id=found.id,
        user=inspector,
        photo=inspection.Photo("site.jpg", JPG, "premises"),
        now=ACCEPTED,
        store=store,
    )
    assert (kept.content_type, kept.check_code) == ("image/jpeg", "premises")
    assert [p.id for p in inspection.photos(db, inspection=found)] == [kept.id]


def test_the_pages_from_the_reviewers_order_to_the_applicants_answer_and_the_inspectors_phone(
    client: TestClient, review: dict[str, Any], signed_in: SignedIn, db: Session, clock: Clock
) -> None:
    """The reviewer orders from the task page, the applicant answers the proposed time on
    the case page, a drawn inspector uploads photos once it is agreed (a PDF is refused, in
    Chinese, on the page) and records the result on the inspection page."""
    number = review["case_number"]
    reviewer = signed_in("scjg")
    page = reviewer.get(f"/staff/tasks/{review['id']}").text
    assert "安排现场踏勘" in page and "本事项须经现场踏勘合格后才能同意" in page
    ordered = reviewer.post(
        f"/staff/tasks/{review['id']}/inspect", data={"csrf_token": csrf(page), "reason": ""}
    )
    assert ordered.status_code == 200 and "踏勘中" in ordered.text, ordered.text
    found = inspection.of_task(db, task_id=review["id"])[0]
    names = {db.get_one(User, i).username for i in found.inspector_ids}
    inspector = signed_in(sorted(names)[0])
    listed = inspector.get("/inspections").text
    assert number in listed
    page = inspector.get(f"/inspections/{found.id}").text
    proposed = inspector.post(
        f"/inspections/{found.id}/propose",
        data={"csrf_token": csrf(page), "visit_at": "2025-11-07T09:30", "note": "请负责人在场"},
    )
    assert "已向申请人发出预约" in proposed.text, proposed.text
    kept = '<textarea id="visit-note" name="note" maxlength="500">请负责人在场</textarea>'
    assert kept in proposed.text  # a new appointment starts from the note, not blank
    assert "申请人确认踏勘时间后才能上传现场照片" in proposed.text
    unagreed = inspector.post(
        f"/inspections/{found.id}/photo",
        data={"csrf_token": csrf(page), "check_code": "premises"},
        files={"photo": ("site.jpg", JPG, "image/jpeg")},
    )
    assert unagreed.status_code == 409 and "踏勘时间尚未与申请人约定" in unagreed.text
    applicant = signed_in("minfeng")
    case_page = applicant.get(f"/cases/{number}").text
    assert "2025-11-07 09:30" in case_page and "接受该时间" in case_page
    answered = applicant.post(
        f"/cases/{number}/inspections/{found.id}/answer",
        data={"csrf_token": csrf(case_page), "answer": "accept"},
    )
    assert "申请人已确认" in answered.text
    inspector = signed_in(sorted(names)[0])
    page = inspector.get(f"/inspections/{found.id}").text
    refused = inspector.post(
        f"/inspections/{found.id}/photo",
        data={"csrf_token": csrf(page), "check_code": "premises"},
        files={"photo": ("site.pdf", PDF, "application/pdf")},
    )
    assert refused.status_code == 422 and "请上传 JPG、PNG 格式" in refused.text
    photo = inspector.post(
        f"/inspections/{found.id}/photo",
        data={"csrf_token": csrf(page), "check_code": "premises"},
        files={"photo": ("site.jpg", JPG, "image/jpeg")},
    )
    assert "照片已上传" in photo.text
    checks = {f"check-{c['code']}": "pass" for c in found.checklist}
    early = inspector.post(
        f"/inspections/{found.id}/conclude",
        data={"csrf_token": csrf(page), "result": "passed", **checks},
    )
    assert early.status_code == 409 and "约定的踏勘时间是2025-11-07 09:30" in early.text
    clock.now = VISIT
    done = inspector.post(
        f"/inspections/{found.id}/conclude",
        data={"csrf_token": csrf(page), "result": "passed", **checks},
    )
    assert "等待另一名踏勘人员会签" in done.text and "核对无误，会签" not in done.text
    own = inspector.post(f"/inspections/{found.id}/cosign", data={"csrf_token": csrf(page)})
    assert own.status_code == 409 and "记录人不能自己会签" in own.text
    other = signed_in(sorted(names)[1])
    page = other.get(f"/inspections/{found.id}").text
    assert "核对无误，会签" in page and "退回重新记录" in page
    unexplained = other.post(
        f"/inspections/{found.id}/return", data={"csrf_token": csrf(page), "reason": " "}
    )
    assert unexplained.status_code == 422 and "请写明不同意该踏勘记录的理由" in unexplained.text
    signed = other.post(f"/inspections/{found.id}/cosign", data={"csrf_token": csrf(page)})
    assert "已会签" in signed.text and "踏勘合格" in signed.text, signed.text
    photo_id = inspection.photos(db, inspection=found)[0].id
    seen = signed_in("minfeng").get(f"/inspections/{found.id}/photos/{photo_id}")
    assert seen.status_code == 200 and seen.content == JPG
    hidden = signed_in("zhangsan").get(f"/inspections/{found.id}/photos/{photo_id}")
    assert hidden.status_code == 404


def test_a_refused_answer_shows_the_case_page_again_with_the_reason_and_the_reply_kept(
    client: TestClient, review: dict[str, Any], signed_in: SignedIn, db: Session
) -> None:
    """An answer the service refuses (a reply over 500 characters) is the case page again,
    422, the reason above the inspection's form and the reply in it; nothing is saved."""
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    visit = ACCEPTED + timedelta(days=1)
    inspection.propose_visit(
        db, inspection_id=found.id, user=inspector, visit_at=visit, note="", now=ACCEPTED
    )
    db.commit()
    number = review["case_number"]
    applicant = signed_in("minfeng")
    page = applicant.get(f"/cases/{number}").text
    reply = "下周六上午九点以后方便" * 50
    refused = applicant.post(
        f"/cases/{number}/inspections/{found.id}/answer",
        data={"csrf_token": csrf(page), "answer": "other", "reply": reply},
    )
    assert refused.status_code == 422, refused.text
    assert f'id="answer-error-{found.id}"' in refused.text
    assert "您的答复不能超过 500 个字" in refused.text and reply in refused.text
    assert number in refused.text  # the case page, not the error page
    db.expire_all()
    assert db.get_one(type(found), found.id).visit_state == VisitState.proposed


def test_the_record_counts_once_the_other_inspector_co_signs_and_a_returned_one_is_redone(
    db: Session, review: dict[str, Any]
) -> None:
    """Both drawn inspectors sign the record of a visit (《食品生产许可管理办法》第二十一条):
    the recorder cannot co-sign; the other returns it with a reason (the findings are
    struck, the recorder hears of it) or co-signs it, and only then does it count."""
    found = _order(db, review)
    first = db.get_one(User, found.first_inspector_id)
    second = db.get_one(User, found.second_inspector_id)
    _agree(db, found, first, ACCEPTED)
    visit = ACCEPTED + timedelta(days=1)

    def record(by: User) -> None:
        _conclude(db, found, by, visit)

    record(first)
    with pytest.raises(Conflict) as again:  # one record at a time
        record(second)
    assert again.value.code == "awaiting_cosignature"
    with pytest.raises(Conflict) as own:
        inspection.cosign(db, inspection_id=found.id, user=first, now=visit)
    assert own.value.code == "own_record"
    with pytest.raises(InvalidInput):
        inspection.return_record(db, inspection_id=found.id, user=second, reason="", now=visit)
    with pytest.raises(Conflict):  # review waits for the signed result
        _review(db, review, TaskOutcome.approved, visit)
    inspection.return_record(
        db, inspection_id=found.id, user=second, reason="库房未逐一查看", now=visit
    )
    assert found.unsigned_result is None and inspection.findings(db, inspection=found) == {}
    entry = cases.timeline(db, case=db.get_one(Case, found.case_id), now=visit).events[-1]
    assert entry.action == "inspection.record_returned"
    with pytest.raises(Conflict) as nothing:
        inspection.cosign(db, inspection_id=found.id, user=first, now=visit)
    assert nothing.value.code == "nothing_to_sign"
    record(second)  # either inspector records again; now the first co-signs
    inspection.cosign(db, inspection_id=found.id, user=first, now=visit)
    assert found.state == InspectionState.passed
    signed = inspection.findings(db, inspection=found)[1].values()
    assert {(f.recorded_by, f.cosigned_by) for f in signed} == {(second.id, first.id)}
    task = _review(db, review, TaskOutcome.approved, visit + timedelta(hours=1))
    assert task.outcome == TaskOutcome.approved


def test_the_retention_sweep_purges_the_photos_and_texts_of_a_cases_inspections(
    db: Session, review: dict[str, Any], tmp_path: Any
) -> None:
    """Once a case is purged after the retention period (``privacy.retention``), its
    inspection photos leave the file store's keys and the pages, and the texts typed
    about the premises and the person are replaced; verdicts and times stay."""
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED)
    found.reply = "周六上午也可以"
    photo = inspection.add_photo(
        db,
        inspection_id=found.id,
        user=inspector,
        photo=inspection.Photo("site.jpg", JPG, "premises"),
        now=ACCEPTED,
        store=LocalFileStore(tmp_path),
    )
    key = photo.key
    _conclude(db, found, inspector, ACCEPTED, result=InspectionResult.failed, failed="staff")
    _cosign(db, found, inspector, ACCEPTED)
    case = db.get_one(Case, found.case_id)
    later = ACCEPTED + timedelta(days=400)
    freed = retention.purge_case(db, case=case, now=later)
    db.flush()
    db.expire_all()
    assert key in freed and key not in retention.still_named(db, {key})
    assert inspection.photos(db, inspection=found) == []
    with pytest.raises(NotFound) as gone:
        inspection.get_photo(db, photo_id=photo.id, user=inspector)
    assert "保存期限" in gone.value.message("zh_Hans")
    assert (found.visit_note, found.reply) == (retention.PURGED, retention.PURGED)
    rows = inspection.findings(db, inspection=found)[1]
    assert rows["staff"].note == retention.PURGED and not rows["staff"].passed
    assert found.state == InspectionState.failed


def test_the_api_from_the_proposed_visit_to_the_co_signed_result(
    client: TestClient, review: dict[str, Any], as_user: Any, db: Session, clock: Clock
) -> None:
    """Inspectors on the JSON API: their list, the visit proposed, the applicant's answer,
    the record by one and the co-signature of the other; others are refused."""
    found = _order(db, review)
    db.commit()
    first, second = (db.get_one(User, i).username for i in found.inspector_ids)
    base = f"{API}/inspections/{found.id}"
    listed = client.get(f"{API}/inspections", headers=as_user(first)).json()
    assert [row["id"] for row in listed] == [found.id]
    assert listed[0]["case_number"] == review["case_number"]
    assert client.get(f"{API}/inspections", headers=as_user("scjg")).status_code == 403
    naive = client.post(
        f"{base}/visit", json={"visit_at": "2025-11-07T09:30:00"}, headers=as_user(first)
    )
    assert naive.status_code == 422  # a time without its offset is ambiguous
    proposed = client.post(
        f"{base}/visit",
        json={"visit_at": "2025-11-07T09:30:00+08:00", "note": "请负责人在场"},
        headers=as_user(first),
    )
    assert proposed.status_code == 200 and proposed.json()["visit_state"] == "proposed"
    answer = f"{API}/cases/{review['case_number']}/inspections/{found.id}/answer"
    assert client.post(answer, json={"accept": True}, headers=as_user("zhangsan")).is_client_error
    agreed = client.post(answer, json={"accept": True}, headers=as_user("minfeng"))
    assert agreed.status_code == 200 and agreed.json()["visit_state"] == "agreed"
    verdicts = {c["code"]: {"passed": True} for c in found.checklist}
    early = client.post(
        f"{base}/record", json={"verdicts": verdicts, "result": "passed"}, headers=as_user(first)
    )
    assert early.status_code == 409 and early.json()["error"]["code"] == "visit_not_yet"
    assert "约定的踏勘时间是2025-11-07 09:30" in early.json()["error"]["message"]
    clock.now = VISIT
    recorded = client.post(
        f"{base}/record", json={"verdicts": verdicts, "result": "passed"}, headers=as_user(first)
    )
    body = recorded.json()
    assert recorded.status_code == 200 and body["unsigned_result"] == "passed", body
    assert body["state"] == "open" and {f["cosigned_by"] for f in body["findings"]} == {None}
    own = client.post(f"{base}/cosign", headers=as_user(first))
    assert own.status_code == 409 and own.json()["error"]["code"] == "own_record"
    signed = client.post(f"{base}/cosign", headers=as_user(second))
    assert signed.status_code == 200 and signed.json()["state"] == "passed"
    seen = client.get(base, headers=as_user("minfeng")).json()
    assert seen["state"] == "passed" and len(seen["findings"]) == len(found.checklist)
    assert client.get(base, headers=as_user("zhangsan")).status_code == 404


def _inspection_levels(db: Session, inspection_id: int) -> dict[str, datetime | None]:
    db.expire_all()
    query = select(Alert).where(Alert.watched == "inspection", Alert.watched_id == inspection_id)
    return {a.level: a.resolved_at for a in db.scalars(query)}


def test_the_inspections_own_limit_is_warned_overdue_escalated_and_ends_with_the_record(
    db: Session, review: dict[str, Any], clock: Clock, runtime: Runtime, signed_in: SignedIn
) -> None:
    """食品生产许可: 5 working days from the order (《食品生产许可管理办法》第二十一条).
    Ordered Thursday 11-06: Fri, Mon to Thu, due at midnight ending Thursday 11-13; warned
    when 3 of them have run (the end of Tuesday), escalated one working day after the due
    time; the co-signed record closes its alerts. The case clock runs meanwhile."""
    found = _order(db, review)
    db.commit()
    beijing = timedelta(hours=8)
    due = datetime(2025, 11, 14, tzinfo=UTC) - beijing
    assert found.due_at == due
    assert not db.get_one(Case, found.case_id).pauses  # counted: not an art. 45 step
    for moment, levels in [
        (datetime(2025, 11, 12, tzinfo=UTC) - beijing - timedelta(seconds=1), set()),
        (datetime(2025, 11, 12, tzinfo=UTC) - beijing, {"warning"}),
        (due, {"warning", "overdue"}),
        (datetime(2025, 11, 15, tzinfo=UTC) - beijing, {"warning", "overdue", "escalated"}),
    ]:
        clock.now = moment
        run_once(runtime)
        assert set(_inspection_levels(db, found.id)) == levels, moment
    # the staff queue lists the alert, the inspector's list and the case page the limit
    limit = "踏勘时限：2025-11-13 前完成现场踏勘并会签记录。"
    assert "现场踏勘时限" in signed_in("scjg").get("/staff").text
    inspector = db.get_one(User, found.first_inspector_id)
    assert limit in signed_in(inspector.username).get("/inspections").text
    assert limit in signed_in("minfeng").get(f"/cases/{review['case_number']}").text
    later = datetime(2025, 11, 17, 2, tzinfo=UTC)
    _agree(db, found, inspector, later)
    _conclude(db, found, inspector, later)
    _cosign(db, found, inspector, later)
    db.commit()
    assert set(_inspection_levels(db, found.id).values()) == {later}
    assert limit not in signed_in("minfeng").get(f"/cases/{review['case_number']}").text
