"""Authorisations to act for someone (授权委托, 帮办代办): a person or an enterprise lets an
agent — a family member, a village service point (村级代办点), an enterprise's agent —
apply on their behalf for the items named, until a day.

- Only the grantor makes one, signed in as themselves: that is the consent, recorded with
  the words they agreed to (``CONSENT_ZH``) and the moment; the grantor can revoke it at
  any time, and an agent's cases then stop at once (``cases.core.access.acts_for``).
- An agent applies only within the scope (the items listed; none listed: every item) and
  validity; the case is the grantor's (they see it as their own) and records the agent
  and the authorisation it was made under. A revoked or expired authorisation is refused
  with what to do (``live``); validity is counted in local calendar days, the last one
  included (``valid_until``).
- Every grant, revocation and refusal is audited.

Source: 《中华人民共和国民法典》第一百六十一条至第一百七十五条 (代理), and the 帮办代办
arrangements of the seeds (村代办, 适老化).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import Authorisation, User
from tongban.accounts.service import actor_of, find_user
from tongban.audit import service as audit
from tongban.errors import InvalidInput, NotAllowed, NotFound

MAX_DAYS = 366
"""The longest an authorisation may run: a year, renewed by the grantor if still needed."""


class Relation(StrEnum):
    family = "family"  # 亲属
    village = "village"  # 村（社区）代办员
    enterprise = "enterprise"  # 企业经办人
    other = "other"  # 其他受托人


RELATION_NAMES_ZH = {
    Relation.family: "亲属",
    Relation.village: "村（社区）代办员",
    Relation.enterprise: "企业经办人",
    Relation.other: "其他受托人",
}
CONSENT_ZH = (
    "本人自愿委托上述受托人在授权范围和有效期内代为办理所列政务服务事项（填写、上传材料、"
    "提交、补正、撤回），办理结果归本人所有；本人可随时撤销本授权。"
)


def grant(
    session: Session,
    *,
    grantor: User,
    agent_username: str,
    relation: Relation,
    scope: list[str],
    valid_until: date,
    now: datetime,
) -> Authorisation:
    """Record ``grantor``'s authorisation of the agent for the items ``scope`` (catalog
    codes; empty: every item) until ``valid_until`` (local date, included).

    Raises ``NotFound`` for an unknown agent, ``InvalidInput`` for staff or oneself as
    agent, a past day, or more than ``MAX_DAYS`` calendar days ahead. The caller checks
    that the codes are catalog entries.
    """
    agent = find_user(session, username=agent_username.strip())
    if agent is None or not agent.active:
        raise NotFound(
            f"没有找到用户名为“{agent_username}”的受托人，请核对受托人的登录用户名。",
            f"No agent with the username '{agent_username}'; check the agent's username.",
        )
    if agent.id == grantor.id or agent.is_staff:
        raise InvalidInput(
            "受托人须是本人以外的申请人账号（工作人员请使用窗口代办）。",
            "The agent must be another applicant account (staff use the window).",
            field="agent",
        )
    today = timefmt.local(now).date()
    if valid_until < today or (valid_until - today).days > MAX_DAYS:
        raise InvalidInput(
            f"有效期须从今天起，最长 {MAX_DAYS} 天（至 {today.replace(year=today.year + 1)} 前）。",
            f"The authorisation must end between today and {MAX_DAYS} days from now.",
            field="valid_until",
        )
    row = Authorisation(
        grantor_id=grantor.id,
        agent_id=agent.id,
        relation=relation,
        scope=sorted(set(scope)),
        valid_until=valid_until,
        consent=CONSENT_ZH,
        created_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, "authorisation.granted", row, grantor, now)
    return row


def revoke(session: Session, *, grantor: User, authorisation_id: int, now: datetime) -> None:
    """The grantor ends an authorisation; ``NotFound`` if it is not theirs."""
    row = session.get(Authorisation, authorisation_id)
    if row is None or row.grantor_id != grantor.id:
        raise NotFound("没有找到该授权。", f"No authorisation {authorisation_id}.")
    if row.revoked_at is None:
        row.revoked_at = now
        _audit(session, "authorisation.revoked", row, grantor, now)


def given(session: Session, *, grantor: User) -> list[Authorisation]:
    query = select(Authorisation).where(Authorisation.grantor_id == grantor.id)
    return list(session.scalars(query.order_by(Authorisation.id.desc())))


def received(session: Session, *, agent: User) -> list[Authorisation]:
    query = select(Authorisation).where(Authorisation.agent_id == agent.id)
    return list(session.scalars(query.order_by(Authorisation.id.desc())))


def runs(row: Authorisation, today: date) -> bool:
    """Whether ``row`` still lets its agent act on ``today`` (local date): not revoked and
    its last day not past."""
    return row.revoked_at is None and row.valid_until >= today


def live(
    session: Session, *, agent: User, grantor_id: int, code: str, now: datetime
) -> Authorisation:
    """The authorisation under which ``agent`` may apply for ``code`` for the grantor now.

    Raises ``NotAllowed`` saying why not: none given, revoked, expired, or the item is
    outside its scope.
    """
    rows = [r for r in received(session, agent=agent) if r.grantor_id == grantor_id]
    if not rows:
        raise NotAllowed(
            "您没有获得该申请人的授权，请先请申请人在“我的授权”中授权给您。",
            "You hold no authorisation from this applicant; ask them to authorise you first.",
            code="not_authorised",
        )
    today = timefmt.local(now).date()
    current = [r for r in rows if runs(r, today)]
    if not current:
        raise NotAllowed(
            "该授权已撤销或已过期，请申请人重新授权。",
            "That authorisation was revoked or has expired; ask the applicant to renew it.",
            code="authorisation_ended",
        )
    covering = [r for r in current if not r.scope or code in r.scope]
    if not covering:
        raise NotAllowed(
            f"授权范围不包含事项 {code}，请申请人在授权中加入该事项。",
            f"The authorisation does not cover {code}; ask the applicant to add it.",
            code="outside_authorisation",
        )
    return covering[0]


def refuse_ended(row: Authorisation, now: datetime) -> None:
    """Raise ``NotAllowed`` (``authorisation_ended``) if ``row`` was revoked or its last
    day is past, saying which and since when (local dates)."""
    if row.revoked_at is not None:
        day = timefmt.local(row.revoked_at).date().isoformat()
        raise NotAllowed(
            f"该授权已于 {day} 被申请人撤销，请申请人重新授权。",
            f"This authorisation was revoked by the applicant on {day}; ask them to "
            "authorise you again.",
            code="authorisation_ended",
        )
    if row.valid_until < timefmt.local(now).date():
        day = row.valid_until.isoformat()
        raise NotAllowed(
            f"该授权的有效期已于 {day} 届满，请申请人重新授权。",
            f"This authorisation ran out on {day}; ask the applicant to authorise you again.",
            code="authorisation_ended",
        )


def grantor_for(
    session: Session, *, agent: User, authorisation_id: int, code: str, now: datetime
) -> tuple[User, Authorisation]:
    """The person ``agent`` may apply for ``code`` for now, and the authorisation that
    allows it. Raises ``NotFound`` for an authorisation that is not the agent's,
    ``NotAllowed`` (``authorisation_ended``) naming the day the named one was revoked or
    ran out, and what ``live`` raises when none of the grantor's covers ``code``."""
    row = session.get(Authorisation, authorisation_id)
    if row is None or row.agent_id != agent.id:
        raise NotFound("没有找到该授权。", f"No authorisation {authorisation_id}.")
    refuse_ended(row, now)
    current = live(session, agent=agent, grantor_id=row.grantor_id, code=code, now=now)
    grantor = session.get(User, current.grantor_id)
    assert grantor is not None
    return grantor, current


def _audit(session: Session, action: str, row: Authorisation, actor: User, now: datetime) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor_of(actor),
        object_type="authorisation",
        object_id=row.id,
        subject_id=row.grantor_id,
        data={
            "agent_id": row.agent_id,
            "relation": str(row.relation),
            "scope": row.scope,
            "valid_until": row.valid_until.isoformat(),
        },
    )
