"""Request and response bodies of the cases API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from tongban import timefmt
from tongban.audit.names import english_of
from tongban.cases.enums import (
    CaseState,
    Channel,
    Stage,
    TaskOutcome,
    TaskState,
    TrustLevel,
)
from tongban.catalog.enums import MaterialWay


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    code: str = Field(title="事项编码", description="Code of the item or bundle to apply for")
    form_data: dict[str, Any] = Field(default_factory=dict)
    authorisation_id: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="Apply as an agent for the person who gave this authorisation (授权委托)",
    )
    situations: dict[str, str] | None = Field(
        None,
        description="Answers to the entry's situation questions (情形引导), {question code: "
        "option value}; the case then asks only the materials, fields and items that apply",
    )


class MailingAddress(BaseModel):
    """Where a result delivered by post (邮寄) goes: with post chosen, checked in full when
    saved through the API, and required at submission."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422

    recipient: str = Field("", max_length=60, description="Recipient's name (2–30 characters)")
    phone: str = Field(
        "", max_length=20, description="Mobile (11 digits) or landline with area code"
    )
    address: str = Field("", max_length=200, description="Full address (5–200 characters)")


class PostalRead(MailingAddress):
    model_config = ConfigDict(from_attributes=True)

    tracking_number: str | None = Field(None, description="Waybill number, once posted")
    posted_at: datetime | None


class CaseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    form_data: dict[str, Any]
    delivery: str | None = Field(None, description="online, mail or window")
    postal: MailingAddress | None = Field(None, description="Mailing address, for delivery by post")


class TimeLeftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    amount: int = Field(
        description="Time left in ``unit``, a whole number, negative when overdue: left is "
        "rounded down (never more than there is), overdue rounded up (a day or minute begun "
        "counts), so it is negative exactly from due_at on. While the clock is paused, what "
        "was left when the pause began"
    )
    unit: str = Field(
        description="working_days, calendar_days (日), or minutes (office minutes) for a "
        "limit in office hours"
    )
    due_at: datetime = Field(
        description="When the limit runs out (a working-day limit: local midnight ending its "
        "last day); while paused, when it would if the clock resumed now"
    )
    provisional: bool = Field(description="Counted on a holiday calendar not yet published")
    paused: bool = Field(description="The clock stands still (correction or art. 45 procedure)")
    overdue: bool
    limit: int = Field(description="The limit, extension included, in the unit")
    extension: int = Field(0, description="Art. 42 extension included in the limit, in the unit")
    urgency: str = Field(
        description="green, yellow (the warning share of the limit has run: warned) or red (overdue)"
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="The last day a limit in working days allows (due_at is the exclusive "
        "end, the next local midnight); for a limit in hours the local date of due_at"
    )
    @property
    def due_date(self) -> date:
        return timefmt.last_day(self.due_at) or timefmt.local(self.due_at).date()

    @computed_field(  # type: ignore[prop-decorator]
        description="The deadline as every page prints it, in TONGBAN_TIMEZONE: "
        "YYYY-MM-DD (that whole day counts) or, for a limit in hours, YYYY-MM-DD HH:MM"
    )
    @property
    def due_label(self) -> str:
        return timefmt.deadline(self.due_at)


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: str
    title: str
    title_en: str | None = Field(
        None, description="The title in English (the catalog's name_en), None where it has none"
    )
    catalog_code: str
    catalog_version_id: int
    state: CaseState
    lead_department: str
    delivery: str
    channel: Channel = Field(description="Where it was applied for (办事渠道)")
    joint: bool
    extended: bool
    form_data: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None = Field(description="First submission (提交时间)")
    received_at: datetime | None = Field(
        description="Last receipt of the materials: the resubmission after a correction"
    )
    received_by_department: str | None = Field(
        default=None,
        description="跨域通办: the department of another region's hall that received the "
        "application and forwarded it",
    )
    forwarded_at: datetime | None = Field(
        default=None, description="When it was forwarded; the time limits run from then"
    )
    accepted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    version: int
    postal: PostalRead | None = None
    situation_answers: dict[str, str] = Field(
        default_factory=dict, description="Answers to the situation questions (情形引导)"
    )
    materials_asked: int | None = Field(
        None, description="Materials the answers ask for (None: no situations answered)"
    )
    materials_listed: int | None = Field(
        None, description="Materials of the full list, before the situations"
    )
    time_left: TimeLeftRead | None = Field(
        None, description="Against the promised limit (before acceptance: the acceptance stage)"
    )
    legal_time_left: TimeLeftRead | None = Field(
        None,
        description="Against the legal limit (art. 42, extension included) from acceptance to "
        "the decision",
    )


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_number: str
    stage: Stage
    department_code: str
    item_code: str | None
    state: TaskState
    outcome: TaskOutcome | None
    opinion: str | None
    opinion_en: str | None = Field(
        None, description="The opinion in English where the platform wrote it, else None"
    )
    actor_name: str | None
    actor_name_en: ClassVar[Any] = english_of("actor_name")
    assignee_id: int | None = Field(
        None, description="Who holds the task (人员随机分配); null: any qualified colleague"
    )
    started_at: datetime
    finished_at: datetime | None
    due_at: datetime | None
    version: int
    time_left: TimeLeftRead | None = None
    unstaffed: bool | None = Field(
        None,
        description=(
            "无人可办: true when nobody of the department at work today holds the stage's "
            "role and may take the task (a holder away counts as no one; who reviewed a "
            "case may not decide it), as the staff queue page marks it. Given by GET "
            "/tasks and GET /tasks/{task_id}; null elsewhere"
        ),
    )
    may_act: bool | None = Field(
        None,
        description=(
            "Whether the signed-in user may act on the task now (its actions answer 403 or "
            "404 when false): a department's head lists every stage of the department to "
            "reassign it (改派) but acts only on those of their role that they hold or no one "
            "holds; absence and the separation of review and decision count (审核与审批分离). "
            "Given by GET /tasks and GET /tasks/{task_id}; null elsewhere"
        ),
    )


class CorrectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    problems: list[dict[str, str]]
    opinion: str | None
    issued_by: str
    issued_by_en: ClassVar[Any] = english_of("issued_by")
    issued_at: datetime
    resolved_at: datetime | None


class MaterialRead(BaseModel):
    """What satisfies one material: how (``way``), how far it is trusted (A-D, None while a
    协查 is pending), what names it, and its file when there is one."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    material_code: str
    way: MaterialWay
    trust_level: TrustLevel | None
    reference: str | None = Field(
        description="Licence number, source record, signed text's hash or 协查 request"
    )
    summary: str | None = Field(description="How it was satisfied, as the applicant reads it")
    summary_en: str | None
    filename: str | None
    content_type: str | None
    size: int | None
    sha256: str | None
    file_pending: bool = Field(
        default=False, description="True while the worker still draws its file (生成中)"
    )
    uploaded_at: datetime
    checked_by: str | None = Field(description="Clerk who checked the original (level B)")
    checked_by_en: ClassVar[Any] = english_of("checked_by")
    checked_at: datetime | None


class ResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_code: str | None
    title: str
    title_en: str | None = Field(
        None, description="The result's name in English (the catalog's result name_en), if any"
    )
    kind: str
    issued_at: datetime
    valid_until: datetime | None
    number: str | None = None  # a licence's number, or a decision's or notice's 文号
    ready: bool = True  # False while an e-licence's PDF is being printed (生成中)


class StageRead(BaseModel):
    stage: Stage
    name_zh: str
    started_at: datetime | None
    finished_at: datetime | None
    working_time: float = Field(description="Working time the stage took, in ``unit``")
    unit: str = Field(
        description="working_days, or minutes (whole office minutes, rounded down) for a "
        "stage in office hours"
    )
    tasks: list[TaskRead]


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    action: str
    actor_name: str
    actor_name_en: ClassVar[Any] = english_of("actor_name")
    from_state: str | None
    to_state: str | None
    opinion: str | None
    opinion_en: str | None = Field(
        None, description="The opinion in English where the platform wrote it, else None"
    )


class TimelineRead(BaseModel):
    stages: list[StageRead]
    events: list[EventRead]
    time_left: TimeLeftRead | None
    legal_time_left: TimeLeftRead | None = None


class MaterialWayRead(BaseModel):
    """How one material of a case stands: the way that satisfies it now (None: nothing
    yet), what the applicant reads about it, and whether they are asked to upload it."""

    code: str
    name: str
    required: bool
    ways: list[MaterialWay] = Field(description="Declared ways, in order of preference")
    way: MaterialWay | None
    asks_upload: bool
    summary: str | None
    summary_en: str | None
    reasons: list[str] = Field(description="Why earlier automatic ways could not satisfy it")
    reasons_en: list[str]
    trust_level: TrustLevel | None
    material_id: int | None

    @classmethod
    def of(cls, res: Any) -> MaterialWayRead:
        """From a ``materials.provision.Resolution``."""
        row, given = res.row, res.provided
        summary = row.summary if row else (given.summary_zh if given else None)
        summary_en = row.summary_en if row else (given.summary_en if given else None)
        return cls(
            code=res.code,
            name=res.entry["name"],
            required=bool(res.entry["required"]),
            ways=res.entry.get("ways") or [MaterialWay.upload],
            way=res.way,
            asks_upload=res.asks_upload,
            summary=summary,
            summary_en=summary_en,
            reasons=res.reasons("zh"),
            reasons_en=res.reasons("en"),
            trust_level=row.trust_level if row else (given.trust if given else None),
            material_id=row.id if row else None,
        )


class DocumentVerificationRead(BaseModel):
    """The public verification (文书核验) of a decision or notice: nothing personal."""

    title: str = Field(description="The document's title (不予行政许可决定书, 补正告知书 …)")
    number: str = Field(description="Its document number (文号)")
    issuer: str = Field(description="The organ that made it")
    issued_at: datetime
    ready: bool = Field(description="Whether its PDF is printed (the worker prints it)")
    purged: bool = Field(description="Whether the original was deleted after retention")
    verdict: str | None = Field(
        None,
        description="Of an uploaded file: valid (signed by the platform over the whole file, "
        "naming this document), tampered, or unchecked (no signature of ours and no stored "
        "original to compare with); None without a file",
    )
    problem: str | None = Field(
        None,
        description="Why it is not valid: missing, not_whole_file, invalid, foreign, "
        "other_document, differs",
    )
    message: str | None = Field(None, description="The verdict's reason, in ``locale``")
