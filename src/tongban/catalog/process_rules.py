"""Checks of an item's process, facts used once, decision table and fees against its own
form and the declared sources (pure: no database), for the catalog loader.

Each returns the problems found, each with its field (``yamlsource.Problem``).
"""

from __future__ import annotations

import re
from typing import Any

from tongban import money
from tongban.catalog.definitions import legal_unit
from tongban.catalog.yamlsource import Problem, SourceDocument
from tongban.rules import service as rules

STAGE_ORDER = ("accept", "review", "decide", "issue", "deliver")  # 受理 审查 核准 制证 送达


def stage_order_problems(doc: SourceDocument) -> list[Problem]:
    """A case runs exactly the listed stages, so they must read as it runs them: 受理 first,
    each stage once, in process order."""
    listed = [entry["stage"] for entry in doc.data["process"]["stages"]]
    if listed and listed[0] == "accept" and listed == sorted(set(listed), key=STAGE_ORDER.index):
        return []
    order = " → ".join(stage for stage in STAGE_ORDER)
    message = f"办理环节须以 accept（受理）开始，每个环节只列一次，按 {order} 的顺序"
    return [doc.problem(["process", "stages"], message)]


def locked_fields(item: dict[str, Any]) -> set[str]:
    """Form fields a situation may not leave out: fees count or exempt by them, facts
    used once are keyed by them."""
    locked = {fee["per"] for fee in item["fees"] if fee.get("per")}
    locked |= {rule["field"] for fee in item["fees"] for rule in fee.get("exempt", [])}
    return locked | {name for once in item.get("once") or [] for name in once["fields"]}


INSTANT_STAGES = ("accept", "decide", "issue", "deliver")
IDENTITY_SOURCES = ("population", "enterprise_register")  # who applies, not what is asked


def deficiency_problems(doc: SourceDocument) -> list[Problem]:
    """容缺受理 is for what is secondary: the main materials must be complete (主要申请材料
    齐全、符合法定形式). An item issuing its result before the 容缺 materials arrive
    (``deficiency.result: conditional``) keeps at least one material the applicant
    provides (an upload, not the generated form, a signed letter or the proof of who
    applies) outside 容缺; otherwise a conditional licence is issued on no document."""
    if (doc.data.get("deficiency") or {}).get("result") != "conditional":
        return []
    materials = doc.data["materials"]
    if not any(m.get("deficiency_allowed") for m in materials):
        return []
    main = [
        m
        for m in materials
        if m["required"]
        and "upload" in m.get("ways", ["upload"])
        and m.get("shared_source") not in IDENTITY_SOURCES
    ]
    if any(not m.get("deficiency_allowed") for m in main):
        return []
    message = "先行发放附条件证照的容缺受理须主要材料齐全：至少一项申请人提交的必需主要材料不能标为 deficiency_allowed"
    return [doc.problem(["materials"], message)]


def post_check_problems(doc: SourceDocument) -> list[Problem]:
    """Only a 告知承诺 item schedules a post-approval check (``lenient.commitment``): no
    other item's letters or notes may promise one (事后核查) to the applicant."""
    if doc.data["approval_mode"] == "commitment":
        return []
    return [
        doc.problem(["materials", index], "只有告知承诺事项安排事后核查，本事项不能承诺“事后核查”")
        for index, material in enumerate(doc.data["materials"])
        if "事后核查" in f"{material.get('text', '')}{material.get('note', '')}"
    ]


ART_45 = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审")
"""The procedures whose time 行政许可法 第四十五条 keeps out of a licence's time limit."""


def inspection_pause_problems(doc: SourceDocument) -> list[Problem]:
    """An on-site inspection stops the clock only where its ``basis`` names the step
    art. 45 excludes (a 现场核查 as such counts, e.g. 食品生产许可)."""
    declared = doc.data.get("inspection") or {}
    basis = declared.get("basis", "")
    if not declared.get("pauses_clock") or any(word in basis for word in ART_45):
        return []
    message = (
        "现场踏勘暂停计时须在 basis 中写明它是哪一种不计入期限的程序："
        f"行政许可法第四十五条只排除{'、'.join(ART_45)}所需的时间"
    )
    return [doc.problem(["inspection", "pauses_clock"], message)]


def once_problems(doc: SourceDocument, sources: dict[str, dict[str, Any]] | None) -> list[Problem]:
    """A fact used once is keyed by fields of the item's form, and checked against a
    declared source field."""
    found = []
    properties = doc.data["form"].get("properties", {})
    for index, once in enumerate(doc.data.get("once") or []):
        for name in once["fields"]:
            if name not in properties:
                message = f"一次性使用的事实 {once['fact']} 的字段 {name} 不在表单中"
                found.append(doc.problem(["once", index, "fields"], message))
        code, _, field = str(once.get("source", "")).partition(".")
        if once.get("source") and field not in (sources or {}).get(code, {}).get("fields", {}):
            message = f"一次性使用的事实 {once['fact']} 的数据源字段 {once['source']} 未声明"
            found.append(doc.problem(["once", index, "source"], message))
        elif once.get("source") and field != "name":  # the field the records index
            message = f"一次性使用的事实 {once['fact']} 只能对照数据源的名称字段（name）"
            found.append(doc.problem(["once", index, "source"], message))
    return found


def issuer_problems(doc: SourceDocument) -> list[Problem]:
    """A result signed by an institution the applicant names (``result.issued_by``) takes
    its name from a required field of the form: a licence never goes without its issuer."""
    issued_by = doc.data["result"].get("issued_by")
    if issued_by is None:
        return []
    form = doc.data["form"]
    if issued_by["field"] in form.get("properties", {}) and issued_by["field"] in form.get(
        "required", []
    ):
        return []
    message = f"签发机构取自表单的必填字段，表单中没有必填字段 {issued_by['field']}"
    return [doc.problem(["result", "issued_by", "field"], message)]


def decision_problems(
    doc: SourceDocument, sources: dict[str, dict[str, Any]] | None
) -> list[Problem]:
    """An instant item (秒批) is decided by its decision table, with no person between
    acceptance and the decision: it needs a table, a 核准 stage the rules stand for and
    no 审查 stage. A table on another item is checked too (it can be dry-run before the
    item goes instant)."""
    item = doc.data
    table = item.get("decision")
    found = []
    if item["approval_mode"] == "instant":
        stages = [entry["stage"] for entry in item["process"]["stages"]]
        if table is None:
            message = "秒批事项须写明规则表（decision），由规则作出决定"
            found.append(doc.problem(["approval_mode"], message))
        if "decide" not in stages or any(stage not in INSTANT_STAGES for stage in stages):
            message = "秒批事项的办理环节须含 decide（核准，由规则作出），不设 review（审查）"
            found.append(doc.problem(["process", "stages"], message))
        for index, material in enumerate(item["materials"]):
            if "verified" in material.get("ways", []):
                message = "秒批事项的材料不能经部门协查（verified）取得：协查要等另一部门答复"
                found.append(doc.problem(["materials", index, "ways"], message))
    if table is not None:
        for path, (message, _) in rules.table_problems(
            table, form=item["form"], sources=sources or {}
        ):
            found.append(doc.problem(["decision", *path], f"规则表：{message}"))
    return found


def fee_problems(doc: SourceDocument) -> list[Problem]:
    """Fees are money: read from the text as written (not through a float), in yuan, to
    the fen; YAML's .nan and .inf, which pass a JSON Schema ``minimum``, are refused."""
    found = []
    for index, _fee in enumerate(doc.data["fees"]):
        path: list[str | int] = ["fees", index, "amount"]
        problem = money.amount_problem(doc.text_of(path) or "")
        if problem:
            found.append(doc.problem(path, problem))
    return found + _fee_rule_problems(doc)


def _fee_rule_problems(doc: SourceDocument) -> list[Problem]:
    """Fee rules name form fields (a count for ``per``, any field for ``exempt``); online
    payment needs a fee to pay and, paid before issue, a 制证 stage that waits for it."""
    item, found = doc.data, []
    fields = item["form"].get("properties", {})
    for index, fee in enumerate(item["fees"]):
        per = fee.get("per")
        if per is not None and fields.get(per, {}).get("type") != "integer":
            message = f"计件收费的 per 须是表单中的整数字段，“{per}”不是"
            found.append(doc.problem(["fees", index, "per"], message))
        for rule_index, rule in enumerate(fee.get("exempt", [])):
            if rule["field"] not in fields:
                message = f"减免条件的字段“{rule['field']}”不在表单中"
                found.append(doc.problem(["fees", index, "exempt", rule_index, "field"], message))
    payment = item.get("payment")
    if payment is not None:
        if all(money.amount_of(fee["amount"]) == 0 for fee in item["fees"]):
            found.append(doc.problem(["payment"], "不收费的事项不能设置网上缴费（payment）"))
        stages = [entry["stage"] for entry in item["process"]["stages"]]
        if payment["when"] == "before_acceptance" and item["approval_mode"] == "instant":
            message = "秒批事项在受理时即作出决定，不能设置受理前缴费；请改为制证前缴费"
            found.append(doc.problem(["payment", "when"], message))
        if payment["when"] == "before_issue" and "issue" not in stages:
            message = "制证前缴费（before_issue）须有制证（issue）环节等待缴费"
            found.append(doc.problem(["payment", "when"], message))
    return found


_STATED_LIMIT = re.compile(
    r"(?<![0-9])(?P<n>[0-9]+)(?P<unit>个工作日|工作日|个自然日|自然日|日|天|个小时|小时)"
)
_UNIT_OF_WORD = {
    "个工作日": "working_days",
    "工作日": "working_days",
    "个自然日": "calendar_days",
    "自然日": "calendar_days",
    "日": "calendar_days",
    "天": "calendar_days",
    "个小时": "hours",
    "小时": "hours",
}
_UNIT_NAMES = {"working_days": "工作日", "calendar_days": "日（自然日）", "hours": "小时"}


def legal_unit_problems(doc: SourceDocument) -> list[Problem]:
    """The legal limit stored in another unit than its declared source states it: where
    ``time_limit.legal_note`` names the article and the legal number (``20日``,
    ``3个工作日``), the unit there is the unit stored (``legal_unit``, else ``unit``);
    a law's 日 counts calendar days (《民法典》第二百零一条), not working days. An entry
    that declares no source has nothing to compare and gets no problem."""
    limit = doc.data["time_limit"]
    stored = legal_unit(limit)
    for stated in _STATED_LIMIT.finditer(limit.get("legal_note") or ""):
        if int(stated["n"]) != int(limit["legal"]):
            continue
        unit = _UNIT_OF_WORD[stated["unit"]]
        if unit == stored:
            return []
        message = (
            f"法定时限的依据写明“{stated.group(0)}”，按{_UNIT_NAMES[unit]}计算，"
            f"不能按{_UNIT_NAMES[stored]}存储：请把 legal_unit 改为 {unit}"
        )
        field = "legal_unit" if "legal_unit" in limit else "unit"
        return [doc.problem(["time_limit", field], message)]
    return []
