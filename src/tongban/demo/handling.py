"""What staff and applicants do to a demo case: the actions that take it to its planned state,
and the rating of a finished one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import Channel, ClockKind, RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Material
from tongban.catalog.enums import PROVIDED_WAYS
from tongban.demo.plans import Plan, Texts
from tongban.demo.world import CaseClock, World
from tongban.inspection import service as inspection
from tongban.inspection.enums import InspectionNeed, InspectionResult
from tongban.notices import service as notices
from tongban.notices.enums import NoticeState
from tongban.payments import service as payments
from tongban.ratings import service as ratings
from tongban.ratings.enums import RatingChannel
from tongban.verification import service as verification

# where the demo's applicants rate (the page on a computer or phone, a hall's terminal,
# the link in a text message), whatever channel their case came through; a case filed at
# the window is rated on the window's pad
RATED_THROUGH = (RatingChannel.web, RatingChannel.mobile, RatingChannel.kiosk, RatingChannel.sms)


class Handling:
    """The staff (and applicant) actions that take one case to its planned state."""

    def __init__(self, world: World, case: Case, plan: Plan, clock: CaseClock) -> None:
        self.world, self.session, self.case, self.plan, self.clock = (
            world,
            world.session,
            case,
            plan,
            clock,
        )
        self.rng = world.rng

    def staff(self, department: str, stage: Stage) -> User:
        role = {Stage.accept: Role.clerk, Stage.review: Role.reviewer, Stage.decide: Role.approver}
        return self.world.staff[(department, role.get(stage, Role.issuer))]

    def run(self, accept_at: datetime | None) -> None:
        plan, case, session = self.plan, self.case, self.session
        if plan == Plan.waiting or case.state != "submitted":
            return  # waiting, or decided at receipt by the rules of instant approval (秒批)
        if plan == Plan.withdrawn:
            now = self.clock.later(self.rng.uniform(0.5, 6))
            cases.withdraw_case(session, case_id=case.id, user=self.applicant, now=now)
            return
        accepting = next(t for t in case.tasks if t.stage == Stage.accept)
        clerk = self.holder(accepting)  # drawn at the accepting office (低保: the street office)
        now = self.clock.later(self.rng.uniform(0.5, 8))
        if plan == Plan.rejected:
            opinion = self.rng.choice(Texts.REJECTIONS)
            cases.reject_case(session, case_id=case.id, user=clerk, opinion=opinion, now=now)
            return
        if plan == Plan.correction or (plan.finishes and self.rng.random() < 0.2):
            self.correct(clerk, now)
            if plan == Plan.correction:
                return
            now = self.clock.later(self.rng.uniform(1, 6))
        if accept_at is not None:
            now = self.clock.at(accept_at)
        payments.settle_now(session, case=case, now=now)  # fees paid before acceptance
        cases.accept_case(
            session,
            case_id=case.id,
            user=clerk,
            opinion="材料齐全，予以受理",
            now=now,
            store=self.world.store,
        )
        if plan.in_review:
            self.review_first_of_several()
        else:
            self.finish()

    @property
    def applicant(self) -> User:
        return next(a for a in self.world.applicants if a.id == self.case.applicant_id)

    def correct(self, clerk: User, now: datetime) -> None:
        """A correction notice with one problem the applicant can fix: never a material
        the platform obtained itself (``PROVIDED_WAYS``: a pulled ID card)."""
        provided = set(
            self.session.scalars(
                select(Material.material_code).where(
                    Material.case_id == self.case.id, Material.way.in_(PROVIDED_WAYS)
                )
            )
        )
        problems = [self.rng.choice(Texts.problems_for(provided))]
        cases.request_correction(
            self.session, case_id=self.case.id, user=clerk, problems=problems, opinion=None, now=now
        )
        if self.plan != Plan.correction:
            now = self.clock.later(self.rng.uniform(4, 20))
            cases.resubmit_case(
                self.session,
                case_id=self.case.id,
                user=self.applicant,
                now=now,
                store=self.world.store,
            )

    def open_tasks(self) -> list[Any]:
        return sorted((t for t in self.case.tasks if t.state == TaskState.open), key=lambda t: t.id)

    def review_first_of_several(self) -> None:
        """In a joint review one department has already answered, the other is still open."""
        tasks = self.open_tasks()
        if len(tasks) > 1:
            moment = self.world.cal.add_working_hours(self.clock.now, self.rng.uniform(1, 4))
            if moment.due_at < self.world.end:
                self.act(tasks[0], self.clock.at(moment.due_at))

    def promised_due(self) -> datetime | None:
        running = [
            c.due_at
            for c in self.case.clocks
            if c.kind == ClockKind.promised and c.stopped_at is None
        ]
        return running[0] if running else None

    def finish(self) -> None:
        """Work the open tasks until the case is closed, on time or late as planned."""
        while tasks := self.open_tasks():
            if not self.wait_out_notice(tasks[0]):
                return  # 公示 still running at the demo's present: the decision waits
            due = self.promised_due()
            if self.plan == Plan.late and due is not None and self.clock.now <= due:
                self.clock.at(due + timedelta(hours=self.rng.uniform(2, 30)))
            hours = self.rng.uniform(0.2, 3 if self.case.state != "in_review" else 6)
            if not self.act(tasks[0], self.clock.later(hours, before=due)):
                return  # a 现场踏勘 agreed for after the demo's present: the review waits

    def wait_out_notice(self, task: Any) -> bool:
        """A public notice (公示, 低保) holds the decision: the case's time moves to its end
        and it ends, as the worker's job would; False when it ends after the demo's present."""
        for notice in notices.of_case(self.session, case_id=self.case.id):
            if notice.task_id != task.id or notice.state != NoticeState.running:
                continue
            if notice.ends_at >= self.world.end:
                return False
            notices.end_notice(self.session, notice=notice, now=self.clock.at(notice.ends_at))
        return True

    def inspect(self, task: Any, reviewer: User, now: datetime) -> datetime | None:
        """现场踏勘 before approving where the item requires it: two inspectors drawn, a
        visit the applicant accepts, every check passed; returns when the review goes on,
        None when the agreed visit lies after the demo's present (its findings cannot be
        recorded before the visit: the review is still open)."""
        declaration = inspection.declared(self.session, task)
        if declaration is None or declaration["when"] != InspectionNeed.required:
            return now
        found = inspection.order_inspection(
            self.session, task_id=task.id, user=reviewer, reason="", now=now, rng=self.rng
        )
        inspector = self.session.get_one(User, found.first_inspector_id)
        proposed = self.clock.later(self.rng.uniform(0.5, 3))
        # a day later, in office hours of a working day (or as they next open): the visit
        # is made when the inspectors work
        visit = self.world.cal.working_start(proposed + timedelta(days=1))
        inspection.propose_visit(
            self.session,
            inspection_id=found.id,
            user=inspector,
            visit_at=visit,
            note="请经营场所负责人在场，备齐设备清单和管理制度原件。",
            now=proposed,
        )
        inspection.answer_visit(
            self.session,
            inspection_id=found.id,
            user=self.applicant,
            accept=True,
            reply="",
            now=self.clock.later(self.rng.uniform(0.5, 4)),
        )
        if visit + timedelta(hours=2) > self.world.end:
            return None
        verdicts = {check["code"]: inspection.Verdict(True) for check in found.checklist}
        inspection.conclude(
            self.session,
            inspection_id=found.id,
            user=inspector,
            verdicts=verdicts,
            result=InspectionResult.passed,
            rectification="",
            now=self.clock.at(visit + timedelta(hours=2)),
        )
        other = self.session.get_one(User, found.second_inspector_id)
        inspection.cosign(self.session, inspection_id=found.id, user=other, now=self.clock.now)
        return self.clock.later(self.rng.uniform(0.5, 3))

    def verify(self, task: Any, now: datetime) -> datetime:
        """The departments the review asked (协查, automatic for a certificate another
        department issued) answer first: an approval waits for them."""
        for request in verification.for_case(self.session, case=self.case):
            if request.answered_at is not None or request.from_department != task.department_code:
                continue
            answerer = next(
                user
                for (department, _), user in self.world.staff.items()
                if department == request.to_department and verification.may_answer(user, request)
            )
            now = self.clock.later(self.rng.uniform(1, 24))
            verification.answer(
                self.session,
                request_id=request.id,
                user=answerer,
                text="经核查，信息属实。",
                now=now,
                store=self.world.store,
            )
        return now

    def holder(self, task: Any) -> User:
        """Who acts on ``task``: the person it was drawn to (人员随机分配), or for a task
        held by no one (送达) the department's staff of its stage."""
        if task.assignee_id is not None:
            held = self.session.get(User, task.assignee_id)
            if held is not None:
                return held
        return self.staff(task.department_code, task.stage)

    def refused_review_opinion(self) -> str:
        """The decision's reason: the refusing reviewer's, about the item refused."""
        refused = [t for t in self.case.tasks if t.outcome == TaskOutcome.refused and t.opinion]
        if refused:
            return str(refused[-1].opinion)
        return self.rng.choice(Texts.refusals(self.case.catalog_code))

    def act(self, task: Any, now: datetime) -> bool:
        """Do ``task``'s step at ``now``; False when a 现场踏勘 must wait past the present."""
        session, user = self.session, self.holder(task)
        refuse = self.plan == Plan.refused
        if task.stage == Stage.review:
            if not refuse:
                inspected = self.inspect(task, user, now)
                if inspected is None:
                    return False
                now = self.verify(task, inspected)
            outcome = TaskOutcome.refused if refuse else TaskOutcome.approved
            opinion = "经审查，符合条件"
            if refuse:
                opinion = self.rng.choice(Texts.refusals(task.item_code or self.case.catalog_code))
            cases.review_task(
                session,
                task_id=task.id,
                user=user,
                outcome=outcome,
                opinion=opinion,
                now=now,
                store=self.world.store,
            )
        elif task.stage == Stage.decide and self.case.review_outcome == RoundOutcome.refused:
            opinion = self.refused_review_opinion()
            cases.refuse_case(
                session,
                task_id=task.id,
                user=user,
                opinion=opinion,
                now=now,
            )
        elif task.stage == Stage.decide:
            cases.approve_case(
                session, task_id=task.id, user=user, opinion="同意", now=now, store=self.world.store
            )
        elif task.stage == Stage.issue:
            store = self.world.store
            payments.settle_now(session, case=self.case, now=now)  # fees paid before issue
            cases.issue_result(
                session, task_id=task.id, user=user, opinion=None, now=now, store=store
            )
        else:
            code = payments.pickup_code_of(session, case=self.case)
            cases.deliver_result(
                session, task_id=task.id, user=user, opinion="已送达", now=now, pickup_code=code
            )
        return True


def rate(world: World, case: Case) -> None:
    """Most applicants of a finished case rate it; a bad rating is usually rectified."""
    rng = world.rng
    if case.closed_at is None or str(case.state) == "withdrawn" or rng.random() < 0.35:
        return
    at = case.closed_at + timedelta(hours=rng.uniform(1, 72))
    if at >= world.end:
        return
    applicant = next(a for a in world.applicants if a.id == case.applicant_id)
    score = rng.choice(Texts.SCORES[str(case.state)])
    reason = rng.choice(Texts.BAD) if score <= 2 else None  # a bad rating says why
    comment = reason or rng.choice(Texts.GOOD)
    rating = ratings.rate_case(
        world.session,
        case_id=case.id,
        user=applicant,
        score=score,
        comment=comment,
        tags=[Texts.BAD_TAGS[reason]] if reason else [],
        now=at,
        channel=RatingChannel.window
        if case.channel == Channel.window
        else RATED_THROUGH[case.id % len(RATED_THROUGH)],
    )
    done = at + timedelta(hours=rng.uniform(2, 40))
    if rating.rectify_due_at is not None and done < world.end and rng.random() < 0.7:
        staff = world.staff[(case.lead_department, Role.approver)]
        text = rng.choice(Texts.RECTIFICATIONS)
        ratings.rectify(world.session, rating_id=rating.id, user=staff, text=text, now=done)
