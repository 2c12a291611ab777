"""JSON API of the guide assistant (智能客服): the same replies as the answer page (``/ask``),
for an app or a kiosk. An unanswered question is kept for the catalog administrators, as
the page keeps it (:func:`views.keep_unanswered`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tongban.accounts.deps import OptionalUser
from tongban.assistant import service
from tongban.assistant.schemas import (
    AnswerCase,
    AnswerElsewhere,
    AnswerEntry,
    AnswerFaq,
    AnswerHall,
    AnswerItem,
    AnswerTimeLimit,
    AssistantReply,
    fees,
)
from tongban.assistant.views import HOTLINE, keep_unanswered
from tongban.cases.http.titles import title_en
from tongban.catalog import service as catalog
from tongban.web.deps import NowDep, SessionDep
from tongban.web.i18n import kiosk_of

router = APIRouter(tags=["assistant"])


def _entry(found: service.Found) -> AnswerEntry:
    spec: dict[str, Any] = found.spec
    query = f"?{found.answers_query}" if found.answers_query else ""
    proactive = spec.get("approval_mode") == "proactive"
    limit = spec.get("time_limit")
    source = spec.get("bundle") or spec["items"][0]
    return AnswerEntry(
        code=found.code,
        kind=spec["kind"],
        name=spec["name"],
        name_en=spec.get("name_en"),
        summary=source.get("summary"),
        summary_en=source.get("summary_en"),
        guide_url=f"/{'bundles' if spec['kind'] == 'bundle' else 'items'}/{found.code}{query}",
        apply_url=None if proactive else f"/apply/{found.code}{query}",
        materials=[material["name"] for material in spec.get("materials") or []],
        materials_en=[material.get("name_en") for material in spec.get("materials") or []],
        time_limit=AnswerTimeLimit(**limit) if limit else None,
        items=[
            AnswerItem(
                code=item["code"],
                name=item["name"],
                name_en=item.get("name_en"),
                department_code=item["department"],
                conditions=list(item.get("conditions") or []),
                conditions_en=item.get("conditions_en"),
                fees=fees(item),
                window=item.get("window"),
                window_en=item.get("window_en"),
                phone=item.get("phone"),
            )
            for item in spec["items"]
        ],
        faq=[
            AnswerFaq(q=entry["q"], a=entry["a"], q_en=entry.get("q_en"), a_en=entry.get("a_en"))
            for entry in found.faq
        ],
    )


def _elsewhere(matter: Mapping[str, Any] | None) -> AnswerElsewhere | None:
    if matter is None:
        return None
    return AnswerElsewhere(
        name=matter["name"],
        name_en=matter.get("name_en"),
        handled_by=matter["handled_by"],
        handled_by_en=matter.get("handled_by_en"),
        channel=matter.get("channel"),
        channel_en=matter.get("channel_en"),
    )


@router.get("/assistant")
def ask(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    now: NowDep,
    q: Annotated[str, Query(description="The question in plain words (≤ 200 characters)")],
    about: Annotated[
        str | None, Query(description="The ``about`` of the previous reply (a follow-up)")
    ] = None,
) -> AssistantReply:
    """Answer a question from the catalog (or, signed in, from one's own cases), keeping an
    unanswered one; 422 for an empty or too long question. ``s_<question>=<option>``
    tailors the first entry's materials to a situation (情形引导)."""
    reply = service.ask(
        session,
        question=q,
        user=user,
        about=about or None,
        situation=catalog.from_query(request.query_params),
        wait=float(request.app.state.runtime.settings.assistant_wait_seconds),
        kiosk=kiosk_of(request),
    )
    keep_unanswered(request, reply, now)
    return AssistantReply(
        question=reply.question,
        kind=reply.kind,
        aspect=reply.aspect,
        follow_up=reply.follow_up,
        about=reply.about,
        entries=[_entry(found) for found in reply.found],
        cases=[
            AnswerCase(number=c.number, title=c.title, title_en=title_en(c), state=c.state)
            for c in reply.cases
        ],
        unknown_number=reply.unknown_number,
        elsewhere=_elsewhere(reply.matter),
        halls=[AnswerHall.model_validate(hall) for hall in reply.halls],
        hotline=HOTLINE,
    )
