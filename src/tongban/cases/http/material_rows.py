"""Each material of a case as the pages show it: how it is satisfied (the sentence the
applicant reads: "由系统根据申请表自动生成", "已在线签署", "由审批部门向XX协查，无需提交",
"已有电子证照，无需上传", "已从XX调取"), whether the applicant is asked to upload it (and
why, when an automatic way failed), whether the page insists on a file before it is sent
(``upload_required``: the browser's check asks for exactly these), whether it waits for a
signature, and its trust level.

Before a draft exists (the first page of an application) there is no case to ask the
providers about: the page says only what the declared ways promise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongban.cases import service
from tongban.catalog.enums import MaterialWay

Problems = Mapping[str, str]


def _wanted(entry: dict[str, Any]) -> bool:
    """Required, and not 容缺 (which may be accepted without it)."""
    return bool(entry["required"]) and not entry.get("deficiency_allowed")


def _before_draft(wanted: dict[str, Any], locale: str) -> dict[str, Any]:
    """What the declared ways promise, for a form not saved yet."""
    ways = wanted.get("ways") or [MaterialWay.upload]
    en = locale == "en"
    summary = None
    if ways[0] == MaterialWay.generated:
        summary = "Generated from the form" if en else "由系统根据申请表自动生成"
    elif ways[0] == MaterialWay.verified and MaterialWay.upload not in ways:
        summary = (
            "Verified by the department; nothing to submit" if en else "由审批部门协查，无需提交"
        )
    elif MaterialWay.signed in ways:
        summary = "Sign it online once the draft is saved" if en else "保存草稿后即可在线阅读并签署"
    elif ways[0] in (MaterialWay.shared, MaterialWay.licence):
        summary = (
            "The platform first looks for it in shared data and e-licences; upload it only if asked"
            if en
            else "平台将先从共享数据和电子证照库获取；获取不到时再请您上传"
        )
    return {
        "asks_upload": MaterialWay.upload in ways,
        "upload_required": _wanted(wanted) and service.upload_first(wanted),
        "sign": False,
        "summary": summary,
        "reasons": [],
        "trust": None,
        "level": None,
        "way": None,
    }


def _unconfirmed(row: Any) -> bool:
    """A 协查 the issuer answered it could not verify (``settle_verified``)."""
    return row is not None and (row.detail or {}).get("confirmed") is False


def _of(res: Any, locale: str) -> dict[str, Any]:
    en = locale == "en"
    row, given = res.row, res.provided
    summary = None
    if row is not None and row.way != MaterialWay.upload:
        summary = row.summary_en if en else row.summary
    elif given is not None:
        summary = given.summary_en if en else given.summary_zh
    level = row.trust_level if row is not None else (given.trust if given else None)
    signs = MaterialWay.signed in (res.entry.get("ways") or []) and res.way is None
    return {
        "asks_upload": res.asks_upload,
        "upload_required": res.asks_upload and _wanted(res.entry),
        "sign": signs,
        "summary": summary,
        "reasons": res.reasons(locale) if res.way in (None, MaterialWay.upload) else [],
        "trust": service.level_name(level, locale, unconfirmed=_unconfirmed(row))
        if res.way is not None
        else None,
        "level": level,
        "way": res.way,
    }


def material_rows(
    spec: dict[str, Any], ways: Sequence[Any], problems: Problems, locale: str = "zh"
) -> list[dict[str, Any]]:
    """Each material of the definition with what stands for it (``record``; ``upload``
    when it is a file), how it is satisfied (``how``) and its error."""
    by_code = {res.code: res for res in ways}
    rows = []
    for wanted in spec["materials"]:
        res = by_code.get(wanted["code"])
        record = res.record if res is not None else None
        rows.append(
            {
                **wanted,
                "record": record,
                "upload": record if record is not None and record.has_file else None,
                "pending": record is not None and record.file_pending,
                "how": _of(res, locale) if res is not None else _before_draft(wanted, locale),
                "error": problems.get(f"materials.{wanted['code']}"),
            }
        )
    return rows
