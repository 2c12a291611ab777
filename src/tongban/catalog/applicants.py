"""Who may apply for an entry (服务对象): natural persons (自然人, ``person``), enterprises
(法人, ``enterprise``) or both, as the entry's ``subject`` declares; and the words that
refuse an account of another kind, said alike on the guide (which offers no application
then) and where a form or a draft is refused (``cases.check_subject``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tongban.errors import NotAllowed

BOTH = ("person", "enterprise")


def subjects(definition: Mapping[str, Any]) -> list[str]:
    """Who may apply: ``person``, ``enterprise`` or both (a bundle's own ``subject``, else
    its only item's; both when the entry names none)."""
    source = definition.get("bundle") or definition["items"][0]
    return list(source.get("subject") or BOTH)


def subject_refusal(definition: Mapping[str, Any], kind: str) -> NotAllowed | None:
    """The refusal (``wrong_subject``) of an account of ``kind`` (``person`` or
    ``enterprise``) for an entry that does not serve that kind, saying who applies and
    how; None when it does."""
    serves = subjects(definition)
    if kind in serves:
        return None
    name = definition["name"]
    name_en = definition.get("name_en") or name
    if "enterprise" in serves:
        return NotAllowed(
            f"“{name}”只能由企业（法人）申请，个人账号不能申请。请用企业账号登录后申请；"
            "您是企业经办人的，请企业在“代办授权”中授权您为企业经办人，"
            "再从“我获得的授权”代企业申请。",
            f"'{name_en}' is applied for by enterprises (legal persons) only, not by a "
            "personal account. Sign in with the enterprise's account; if you act for an "
            "enterprise, let it authorise you as its agent (Authorisations) and apply for it "
            "from the authorisations you received.",
            code="wrong_subject",
        )
    return NotAllowed(
        f"“{name}”只能由自然人（个人）申请，企业账号不能申请。请本人用个人账号登录后申请，"
        "或由本人在“代办授权”中授权您代办。",
        f"'{name_en}' is applied for by natural persons only, not by an enterprise account. "
        "The person applies with their own account, or authorises you to apply for them "
        "(Authorisations).",
        code="wrong_subject",
    )
