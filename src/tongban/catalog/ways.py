"""Checks of how materials are satisfied (``ways``), so that no guide promises what the
engine does not keep: a note that says the applicant need not submit a material ("免于提交",
"自动生成", "在线签署" …) must go with a way the platform provides, listed before any upload.
"""

from __future__ import annotations

import re
from typing import Any

from tongban.catalog import licence_types
from tongban.catalog.enums import AUTOMATIC_WAYS, MaterialWay
from tongban.catalog.yamlsource import Problem, SourceDocument

# promise → the ways that keep it (None: any way the platform provides)
PROMISES: dict[str, frozenset[MaterialWay] | None] = {
    "自动生成": frozenset({MaterialWay.generated}),
    "在线生成": frozenset({MaterialWay.generated}),
    "只签一次": frozenset({MaterialWay.generated, MaterialWay.signed}),
    "在线签署": frozenset({MaterialWay.signed}),
    "协查": frozenset({MaterialWay.verified}),
    "无需开具": None,
    "无需上传": None,
    "无需提交": None,
    "自动推送": None,
    "调取": None,
}
_EXEMPT = re.compile(r"免于\S{0,4}")  # 免于提交, 免于提供 …
_NEEDS = {
    MaterialWay.shared: ("shared_source", "共享数据来源 shared_source"),
    MaterialWay.licence: ("licence_type", "电子证照类型 licence_type"),
    MaterialWay.verified: ("issuer", "签发部门 issuer"),
    MaterialWay.signed: ("text", "签署文本 text"),
}


def declared(material: dict[str, Any]) -> list[MaterialWay]:
    """The material's ways in order of preference; an upload when none is declared."""
    return [MaterialWay(way) for way in material.get("ways") or [MaterialWay.upload]]


def promises(material: dict[str, Any]) -> list[str]:
    """The exemption promises its name and note make to the applicant."""
    words = f"{material.get('name', '')} {material.get('note', '')}"
    found = [word for word in PROMISES if word in words]
    return found + _EXEMPT.findall(words)


def _broken_promise(material: dict[str, Any], ways: list[MaterialWay]) -> str | None:
    """The first promise no way listed before an upload keeps."""
    before_upload = set(
        ways[: ways.index(MaterialWay.upload)] if MaterialWay.upload in ways else ways
    )
    for word in promises(material):
        keeps = PROMISES.get(word) or AUTOMATIC_WAYS
        if not keeps & before_upload:
            return word
    return None


def material_problems(
    doc: SourceDocument, index: int, material: dict[str, Any], departments: set[str]
) -> list[Problem]:
    """What is wrong with material ``index`` of item ``doc``: a broken promise, a way
    without what it needs, a licence type the e-licence library does not know, an upload
    that is not the last resort."""
    path: list[str | int] = ["materials", index]
    ways = declared(material)
    label = f"事项 {doc.data['code']} 的材料 {material['code']}（{material['name']}）"
    found = []
    word = _broken_promise(material, ways)
    if word:
        listed = ", ".join(ways)
        keeping = " / ".join(sorted(PROMISES.get(word) or AUTOMATIC_WAYS))
        found.append(
            doc.problem(
                [*path, "ways"] if "ways" in material else path,
                f"{label}的说明承诺“{word}”，但获取方式 [{listed}] 中没有在 upload 之前"
                f"兑现它的方式（{keeping}），仍要求申请人上传：请补上该方式，或改正说明",
            )
        )
    for way, (key, name) in _NEEDS.items():
        if way in ways and not material.get(key):
            found.append(doc.problem([*path, "ways"], f"{label}的获取方式 {way} 需要写明{name}"))
    kind = material.get("licence_type")
    if kind and kind not in licence_types.known():
        found.append(
            doc.problem(
                [*path, "licence_type"],
                f"{label}的电子证照类型“{kind}”不是电子证照库已知的证照类型"
                "（licences/types.py）：请改用已知名称，或先在证照类型表中登记它",
            )
        )
    issuer = material.get("issuer")
    if issuer and issuer not in departments:
        found.append(doc.problem([*path, "issuer"], f"未知部门代码 {issuer}"))
    if MaterialWay.upload in ways and ways[-1] != MaterialWay.upload:
        found.append(
            doc.problem([*path, "ways"], f"{label}的 upload 须列在最后：它是其他方式都不能时的退路")
        )
    return found


def merge_conflict(code: str, known: dict[str, Any], material: dict[str, Any]) -> str | None:
    """Two items of a bundle that declare one material's ways, issuer or reuse period
    differently cannot share it."""
    for key in ("ways", "issuer", "reuse_months", "document_validity"):
        if known.get(key) != material.get(key):
            return f"材料 {code} 在不同事项中的 {key} 不同"
    return None


def merge_text(known: dict[str, Any], material: dict[str, Any]) -> None:
    """One commitment letter for a bundle: each item's text once, in the items' order, so
    the applicant reads every commitment and signs once. Its English likewise, while every
    text has one: a letter partly in English would hide a commitment from its reader."""
    text = material.get("text")
    if not text or text in (known.get("text") or ""):
        return
    had = known.get("text")
    known["text"] = f"{had}\n\n{text}" if had else text
    english = material.get("text_en")
    if english and (not had or known.get("text_en")):
        known["text_en"] = f"{known['text_en']}\n\n{english}" if had else english
    else:
        known.pop("text_en", None)
