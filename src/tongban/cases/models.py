"""Cases and everything that hangs off them: tasks, clocks, pauses, corrections,
materials and result documents. Each is a row with a state, an owner and a due time,
so "everything overdue in department X" is one indexed query.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.accounts.models import Authorisation, User
from tongban.cases.enums import (
    CaseState,
    Channel,
    ClockKind,
    JoinRule,
    PauseReason,
    Stage,
    TaskOutcome,
    TaskState,
    TrustLevel,
)
from tongban.catalog.enums import MaterialWay
from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed, SealedJSON

if TYPE_CHECKING:  # the 协查 domain sits above cases; the relationship is by name
    from tongban.verification.models import VerificationRequest


def _enum(kind: type, length: int = 30) -> Enum:
    return Enum(kind, native_enum=False, length=length)


def _values(kind: type[StrEnum]) -> list[str]:
    return [member.value for member in kind]


class Case(Base):
    """A case (办件): one submission of an item or a bundle."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_applicant_id_state", "applicant_id", "state"),
        # the dashboard's open work by item and by channel, counted from the index alone
        Index("ix_cases_state_catalog_code", "state", "catalog_code"),
        Index("ix_cases_state_channel", "state", "channel"),
        # a window clerk's cases taken in (``queries.list_taken_in``), newest first
        Index("ix_cases_created_by_id_submitted_at", "created_by_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # the 授权委托 an agent applied under (channel ``agent``): the agent acts while it stands
    authorisation_id: Mapped[int | None] = mapped_column(ForeignKey("authorisations.id"))
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_versions.id"))
    catalog_code: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    lead_department: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    state: Mapped[CaseState] = mapped_column(_enum(CaseState), index=True)
    form_data: Mapped[dict[str, Any]] = mapped_column(SealedJSON("cases.form_data"), default=dict)
    delivery: Mapped[str] = mapped_column(String(10), default="online")
    # 办事渠道: where it was applied for; every channel makes the same case
    channel: Mapped[Channel] = mapped_column(_enum(Channel, 10), default=Channel.web, index=True)
    joint: Mapped[bool] = mapped_column(Boolean, default=False)  # 联合办理: several departments
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    join_rule: Mapped[JoinRule] = mapped_column(_enum(JoinRule), default=JoinRule.end_round)
    review_outcome: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # 提交时间: the first submission, kept through a correction
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # the last receipt of the materials (a resubmission's): art. 32 counts from it
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # personal data removed after the retention period (``privacy.retention``)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    # 情形引导: the answers to the entry's situation questions ({question: option}), and
    # the materials they leave asked of the full list (减材料; both None: not answered)
    situation_answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    materials_asked: Mapped[int | None] = mapped_column(Integer)
    materials_listed: Mapped[int | None] = mapped_column(Integer)
    # 跨域通办: the department of another region's service hall that received the
    # application and forwarded it to the handling department (None: received where it is
    # handled); the handling region's time limits run from ``forwarded_at``
    received_by_department: Mapped[str | None] = mapped_column(
        ForeignKey("departments.code"), index=True
    )
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.id")
    clocks: Mapped[list[Clock]] = relationship(order_by="Clock.id")
    pauses: Mapped[list[CasePause]] = relationship(order_by="CasePause.id")
    verifications: Mapped[list[VerificationRequest]] = relationship(
        back_populates="case", order_by="VerificationRequest.id"
    )
    postal: Mapped[PostalDelivery | None] = relationship()
    authorisation: Mapped[Authorisation | None] = relationship()
    # read once and held by the case for the rest of its unit of work (written by id)
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], viewonly=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Task(Base):
    """One stage's work for one department (受理/审查/核准/制证/送达)."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_queue", "department_code", "state", "stage", "due_at"),
        # the queue's pages: a range of it in queue order (cases.core.queue)
        Index("ix_tasks_queue_keyset", "department_code", "state", "due_at", "id"),
        # 我的待办 and the load per person: the open tasks one person holds
        Index("ix_tasks_assignee_state", "assignee_id", "state"),
        # the dashboard: the open tasks (finished_at empty), the tasks done in a period
        Index("ix_tasks_state_finished_at", "state", "finished_at"),
        # the dashboard's open tasks: due soon and overdue as a range, counted from the index
        Index("ix_tasks_open_due", "state", "due_at", "department_code", "case_id"),
        # a department's earlier tasks of one case (supervision.department_days)
        Index("ix_tasks_case_department", "case_id", "department_code", "state", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[Stage] = mapped_column(_enum(Stage))
    item_code: Mapped[str | None] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    state: Mapped[TaskState] = mapped_column(_enum(TaskState), default=TaskState.open)
    outcome: Mapped[TaskOutcome | None] = mapped_column(_enum(TaskOutcome))
    opinion: Mapped[str | None] = mapped_column(Text)
    # the English of an opinion the platform wrote (None: typed by a person, shown as typed)
    opinion_en: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(Sealed("tasks.actor_name"))
    # 人员随机分配: the one person of the department who holds the open task (None: the
    # department's pool, any qualified person may act; ``cases.core.assignment``)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(back_populates="tasks")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], viewonly=True)

    @property
    def case_number(self) -> str:
        return self.case.number

    @property
    def handler_name(self) -> str | None:
        """Who handles the task (经办人): who finished it, else who holds it (None: no one
        yet, the department's pool or the counter). Staff only: applicants are not told
        who holds an open task (``task.assigned`` is not theirs to see)."""
        if self.actor_name is not None:
            return self.actor_name
        return self.assignee.display_name if self.assignee is not None else None

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Clock(Base):
    """A running time limit. ``due_at`` is derived from the other columns, the case's
    pauses and the holiday calendar, so it can be recomputed when the calendar changes;
    ``calendar_revision`` says which calendar it was counted on.
    """

    __tablename__ = "clocks"
    __table_args__ = (Index("ix_clocks_running_due", "stopped_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[ClockKind] = mapped_column(_enum(ClockKind))
    unit: Mapped[str] = mapped_column(String(20))
    limit: Mapped[int] = mapped_column(Integer)
    extension: Mapped[int] = mapped_column(Integer, default=0)  # art. 42 extension, same unit
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the calendar ``due_at`` was counted on (``clocks.revision``); None: not known (a clock
    # from before it was kept), counted again by its next watch
    calendar_revision: Mapped[str | None] = mapped_column(String(64))


class CasePause(Base):
    """Time that does not count (补正, 听证, 检验, 专家评审 …)."""

    __tablename__ = "case_pauses"
    # the open pauses (ended_at NULL) are few however many cases paused once: the queue
    # finds its paused tasks through them
    __table_args__ = (Index("ix_case_pauses_open", "ended_at", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[PauseReason] = mapped_column(_enum(PauseReason))
    note: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(120))


class CorrectionRequest(Base):
    """The one notice (一次性告知) listing everything the applicant must fix."""

    __tablename__ = "correction_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    opinion: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Material(Base):
    """What satisfies one material of the case, and how (``way``): an uploaded file, a
    generated one, an online signature, a record pulled from a shared source or the
    e-licence library, or a verification by the issuing department. The file columns are
    empty when nothing was stored as a file (a pulled record, a 协查 not yet answered)."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    material_code: Mapped[str] = mapped_column(String(40))
    way: Mapped[MaterialWay] = mapped_column(_enum(MaterialWay, 20), default=MaterialWay.upload)
    trust_level: Mapped[TrustLevel | None] = mapped_column(
        Enum(TrustLevel, native_enum=False, length=1, values_callable=_values)
    )
    # a licence number, a source record's key, a signed text's hash, a 协查 request id
    reference: Mapped[str | None] = mapped_column(String(200))
    # how the applicant and reviewers are told what satisfied it: {"zh": …, "en": …}, and
    # the way's own record (the signer, the signed text's version and hash …)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(60))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by: Mapped[str | None] = mapped_column(String(120))  # 已核验原件 (level B)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def has_file(self) -> bool:
        return self.storage_key is not None

    @property
    def file_pending(self) -> bool:
        """Whether its file is still being made by the worker (a generated 申请表)."""
        return self.filename is not None and self.storage_key is None

    @property
    def summary(self) -> str | None:
        """How it was satisfied ("已有电子证照，无需上传"); None for an upload."""
        return (self.detail or {}).get("zh")

    @property
    def summary_en(self) -> str | None:
        return (self.detail or {}).get("en")


class ResultDocument(Base):
    """A result produced at issuing (a licence, an approval, a refusal decision) or a notice
    kept with the case's documents (容缺受理通知书, 终止办理通知书)."""

    __tablename__ = "result_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # licence / document / refusal / rejection
    storage_key: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the licence number printed on it, or a decision's or notice's document number (文号)
    number: Mapped[str | None] = mapped_column(String(40))
    # a decision's or notice's: what its QR code carries to the public verification page,
    # and what it prints ({"issuer", "rows", "footer"}: the worker prints it after commit)
    verification_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    content: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON("result_documents.content"))

    @property
    def ready(self) -> bool:
        """Whether its PDF exists (an e-licence's, a decision's or a notice's is printed by
        the worker just after issue)."""
        return bool(self.storage_key)


class PostalDelivery(Base):
    """Delivery by post (邮寄送达): where the applicant wants the result sent, given with
    the application, and the waybill the clerk records when it is posted."""

    __tablename__ = "postal_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    recipient: Mapped[str] = mapped_column(Sealed("postal_deliveries.recipient"))
    phone: Mapped[str] = mapped_column(Sealed("postal_deliveries.phone"))
    address: Mapped[str] = mapped_column(Sealed("postal_deliveries.address"))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_by: Mapped[str | None] = mapped_column(String(120))
