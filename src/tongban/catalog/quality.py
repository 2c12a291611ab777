"""Catalog quality warnings (审批服务事项标准化): where an item falls short of the reform's
targets. They do not stop an item from loading or saving; the loader, ``tongban catalog
validate`` and the catalog editor's pages show them so the editor can fix the item.

The targets are Fuzhou's (福州市“放管服”改革): “99% 的审批服务事项承诺时限压缩在法定
时限的 30% 以内；行政许可事项审批不超过 3+1 个环节，公共服务事项办理不超过 2+1 个环节”,
and the province's rule that what a department or the e-licence library already holds is not
asked of the applicant again (数据共享、电子证照“一库共享”).
"""

from __future__ import annotations

from typing import Any

from tongban.catalog import licence_types, ways
from tongban.catalog.definitions import comparable, in_unit, working_days_of
from tongban.catalog.enums import AUTOMATIC_WAYS
from tongban.catalog.yamlsource import Problem, SourceDocument

PROMISED_SHARE_WARNING = 0.3  # promised limit at most 30 % of the legal one

# item kind → (most steps a case may pass, as the reform writes it)
MOST_STEPS: dict[str, tuple[int, str]] = {
    "permit": (4, "行政许可事项不超过 3+1 个环节"),
    "public_service": (3, "公共服务事项不超过 2+1 个环节"),
}
STAGE_NAMES = {
    "accept": "受理",
    "review": "审查",
    "decide": "决定",
    "issue": "制证",
    "deliver": "送达",
}


def problems(doc: SourceDocument, sources: dict[str, dict[str, Any]] | None) -> list[Problem]:
    """Every quality warning of the schema-valid item ``doc``; ``sources`` are the shared
    data sources by code (``sources.yaml``), whose ``documents`` say which certificates a
    source stands for."""
    found = _promised_share(doc) + _steps(doc)
    for index, material in enumerate(doc.data["materials"]):
        found += _replaceable(doc, index, material, sources or {})
    return found


def _promised_share(doc: SourceDocument) -> list[Problem]:
    """A promise above 30 % of the legal limit, beyond what no department can shorten: the
    shortest promise the unit states short of 即办 (1: 30 % of 3 working days is 0.9 of a
    day, so 1 working day is as short as a promise in days goes) and a public notice the
    law sets (``public_notice.days``, calendar days: 低保's 7 days are 5 working days). A
    promise within the target only once the notice is left out is told so (the exemption
    stated, as a warning that blocks nothing)."""
    unit, promised, legal = comparable(doc.data["time_limit"])
    if not legal or promised > legal:
        return []  # a promise above the legal limit is the loader's error, not a warning
    notice = doc.data.get("public_notice") or {}
    fixed = in_unit(working_days_of(notice.get("days", 0), "calendar_days"), unit)
    share = round(100 * promised / legal)
    if promised <= max(PROMISED_SHARE_WARNING * legal, 1):
        return []
    if promised <= max(PROMISED_SHARE_WARNING * legal, 1) + fixed:
        # within the target once the notice is left out: said, so that nobody reads 47 %
        # on the guide and wonders why the check let it pass
        rest = round(100 * (promised - fixed) / legal)
        message = (
            f"承诺时限为法定时限的 {share}%，扣除法定公示期 {notice['days']} 日后为 {rest}%，"
            "未超过 30% 的压缩目标（公示期由法律规定，不能压缩）"
        )
        return [doc.problem(["time_limit", "promised"], message, warning=True)]
    message = f"承诺时限为法定时限的 {share}%，超过 30% 的压缩目标"
    if fixed:
        message += f"（法定公示期 {notice['days']} 日不计在内）"
    return [doc.problem(["time_limit", "promised"], message, warning=True)]


def _steps(doc: SourceDocument) -> list[Problem]:
    """A 行政许可 passes at most 3 + 1 steps (受理、审查、决定 and one to make or hand over
    the result), a public service at most 2 + 1; every listed stage is a step of the case."""
    rule = MOST_STEPS.get(doc.data["kind"])
    stages = [entry["stage"] for entry in doc.data["process"]["stages"]]
    if rule is None or len(stages) <= rule[0]:
        return []
    named = "、".join(STAGE_NAMES.get(stage, stage) for stage in stages)
    message = f"办理环节有 {len(stages)} 个（{named}），超过改革要求：{rule[1]}；请合并或取消环节"
    return [doc.problem(["process", "stages"], message, warning=True)]


def replacements(material: dict[str, Any], sources: dict[str, dict[str, Any]]) -> list[str]:
    """What could stand for ``material`` instead of the applicant's upload: the e-licence
    types and the shared sources (by name) whose certificate its name names. Empty when a
    way other than upload is declared already."""
    if set(ways.declared(material)) & AUTOMATIC_WAYS:
        return []
    name = material["name"]
    found = [f"电子证照“{kind}”" for kind in sorted(licence_types.known()) if kind in name]
    for source in sources.values():
        if any(document in name for document in source.get("documents", [])):
            found.append(f"共享数据“{source['name']}”（{source['code']}）")
    return found


def _replaceable(
    doc: SourceDocument, index: int, material: dict[str, Any], sources: dict[str, dict[str, Any]]
) -> list[Problem]:
    found = replacements(material, sources)
    if not found:
        return []
    label = f"材料 {material['code']}（{material['name']}）"
    message = (
        f"{label}可由{'、'.join(found)}替代，却仍要求申请人上传："
        "请在 ways 中把 licence / shared 列在 upload 之前，并写明 licence_type / shared_source"
    )
    path: list[str | int] = (
        ["materials", index, "ways"] if "ways" in material else ["materials", index]
    )
    return [doc.problem(path, message, warning=True)]
