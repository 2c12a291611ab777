"""The provider registry: who can satisfy a material in a way other than an upload.

The catalog declares, per material, the ways it may be satisfied in order of preference
(``catalog.enums.MaterialWay``). Domains above ``cases`` (the e-licence library, shared
data, 协查) cannot be imported from here, so they register a :class:`Provider` for their
way when their module is imported (``tongban.models.load_all`` imports them all), the way
``cases/http/panels.py`` takes panels. The engine (``provision.py``) asks the providers of
a material's ways in order and falls back down the list, ending with an upload where the
catalog allows one.

A provider's ``provide`` only reads: it is asked again by every page that shows the
material list (a GET, whose unit of work may not write). What it does for good goes in
``recorded`` (called once the engine has stored the material at submission: log a pull)
and ``accepted`` (called when the case is accepted: start a 协查).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from tongban.cases.enums import TrustLevel
from tongban.cases.models import Case, Material
from tongban.catalog.enums import MaterialWay


@dataclass(frozen=True)
class ProvidedFile:
    """A file a provider hands over: the engine stores it with the material."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class LaterFile:
    """A file the worker makes after the submission commits (the job ``kind``, given
    ``{"material_id": …}``), so the case does not wait for it: the material is stored with
    its name and type at once, and its bytes when the job has run (pages say 生成中)."""

    kind: str
    filename: str
    content_type: str


@dataclass(frozen=True)
class Provided:
    """The material is satisfied: what satisfied it and how far it can be trusted.

    ``reference`` names it for good (a licence number, a source record's key, a 协查
    request); ``summary_zh`` / ``summary_en`` is the sentence the applicant and the
    reviewers read ("已有电子证照，无需上传"); ``trust`` is None while it is still pending
    (a 协查 not yet answered); ``detail`` is the way's own record, kept as JSON. ``file``
    makes the file to keep with the case (a generated PDF, a licence's copy); it is called
    only when the engine stores the material at submission, never by a page; ``later``
    instead has the worker make it after the submission commits.
    """

    reference: str
    trust: TrustLevel | None
    summary_zh: str
    summary_en: str
    file: Callable[[], ProvidedFile] | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    later: LaterFile | None = None


@dataclass(frozen=True)
class Unavailable:
    """The way cannot satisfy the material now, and why, in the applicant's words
    ("人口库暂时无法访问", "您名下没有有效的居民身份证电子证照"); ``field`` names the form
    field whose answer is at fault (a certificate number the register does not hold), so
    the form says it beside that field too."""

    reason_zh: str
    reason_en: str
    field: str | None = None


class Provide(Protocol):
    def __call__(
        self, session: Session, *, case: Case, material: dict[str, Any], now: datetime
    ) -> Provided | Unavailable: ...


class Hook(Protocol):
    def __call__(
        self,
        session: Session,
        *,
        case: Case,
        material: Material,
        entry: dict[str, Any],
        now: datetime,
    ) -> None: ...


@dataclass(frozen=True)
class Provider:
    """One way's provider: ``provide`` (reads only), and what happens once the material it
    provided is stored (``recorded``) and once the case is accepted (``accepted``)."""

    provide: Provide
    recorded: Hook | None = None
    accepted: Hook | None = None


_PROVIDERS: dict[MaterialWay, Provider] = {}


def register(
    way: MaterialWay,
    provide: Provide,
    *,
    recorded: Hook | None = None,
    accepted: Hook | None = None,
) -> Provider:
    """Register (or replace) the provider of ``way``; an upload needs none."""
    if way == MaterialWay.upload:
        raise ValueError("an upload is the applicant's own; it has no provider")
    provider = Provider(provide, recorded, accepted)
    _PROVIDERS[way] = provider
    return provider


def unregister(way: MaterialWay) -> None:
    """Take a way's provider out (tests of the fallback)."""
    _PROVIDERS.pop(way, None)


def provider(way: MaterialWay) -> Provider | None:
    """The registered provider of ``way``, if any."""
    return _PROVIDERS.get(way)
