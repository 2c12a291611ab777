"""Scopes of a machine client's token (OAuth 2.0 ``scope``, RFC 6749 §3.3): what a
department's own system may do through the API with it, whatever roles its account holds.

A person's sign-in has no scopes (``None``): their roles alone decide. A scoped token may
call only the operations its scopes list, matched on the route's path template and method;
anything else is refused with 403 ``scope``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tongban.errors import InvalidInput, NotAllowed


@dataclass(frozen=True)
class Scope:
    name: str
    title_zh: str
    methods: frozenset[str]
    paths: re.Pattern[str]  # route path templates (with or without the API prefix)


SCOPES = {
    scope.name: scope
    for scope in (
        Scope(
            "tasks:read",
            "读取本部门的待办任务、办件与材料",
            frozenset({"GET", "HEAD"}),
            re.compile(r"^(/api/v1)?/(tasks|cases|materials|verifications)(/.*)?$"),
        ),
        Scope(
            "tasks:write",
            "办理本部门的任务（受理、审查、决定、制证、送达、挂起、协查答复）",
            frozenset({"POST"}),
            re.compile(
                r"^(/api/v1)?/(tasks/\{task_id\}/[a-z-]+"
                r"|cases/\{number\}/(pause|resume|extension)"
                r"|materials/\{material_id\}/check"
                r"|verifications/\{request_id\}/[a-z-]+)$"
            ),
        ),
    )
}


def parse(text: str | None) -> frozenset[str]:
    """The scopes of a space-separated ``scope`` value; raises ``InvalidInput`` naming an
    unknown one."""
    names = frozenset((text or "").split())
    unknown = sorted(names - SCOPES.keys())
    if unknown:
        known = "、".join(SCOPES)
        raise InvalidInput(
            f"未知的授权范围：{'、'.join(unknown)}。可用的范围：{known}。",
            f"Unknown scope: {', '.join(unknown)}. Known scopes: {', '.join(SCOPES)}.",
            field="scope",
            code="invalid_scope",
        )
    return names


def check(granted: str, *, method: str, path_template: str) -> None:
    """Raise ``NotAllowed`` (``scope``) unless one of the ``granted`` scopes (space
    separated) allows ``method`` on the route ``path_template``."""
    for name in granted.split():
        scope = SCOPES.get(name)
        if scope and method in scope.methods and scope.paths.match(path_template):
            return
    raise NotAllowed(
        f"此令牌的授权范围（{granted}）不包含该操作：{method} {path_template}。",
        f"This token's scope ({granted}) does not cover {method} {path_template}.",
        code="scope",
    )
