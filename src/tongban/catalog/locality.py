"""Handling where the applicant lives (属地办理): an item the law gives to the township of
the applicant's household registration and to its county's bureau.

最低生活保障 (《社会救助暂行办法》国务院令第649号 第十一条: the application goes to the
乡镇人民政府、街道办事处 of the applicant's 户籍所在地, which investigates, gives the initial
opinion and shows it in public, then the 县级人民政府民政部门 decides; 《最低生活保障审核确认
办法》民发〔2021〕57号 likewise): the township or street office accepts the application,
investigates and gives the initial opinion (受理、调查核实、初审); the county's civil affairs
bureau (县级人民政府民政部门) decides (审核确认). An item says so with ``local_offices``:

    local_offices:
      field: household_township          # the form field naming the place (an enum)
      district_field: fuzhou_district    # the field naming the district (所属区), pulled
      basis: 《…》
      offices:
      - {place: 鼓楼区东街街道, district: 鼓楼区, accepts: GLDJ, decides: GLMZ}

A case runs on its item localised to the place its form names (:func:`localize`): the
accepting office takes the acceptance and the review (with its home visit and public
notice), the deciding bureau becomes the item's department, deciding and issuing the
result. A form naming no place leaves the item as it is (a draft still being filled).
The place must lie in the district the form names (:func:`misplaced`): the household is
registered in one district, whose street office alone may take the application.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument


def office(item: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, str] | None:
    """The office entry (``place``, ``accepts``, ``decides``) of the place ``form`` names
    for ``item``, or None (no ``local_offices``, or no place answered yet)."""
    local = item.get("local_offices")
    if not local:
        return None
    place = form.get(local["field"])
    return next((dict(o) for o in local["offices"] if o["place"] == place), None)


def localize(definition: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """``definition`` (an item or bundle version) with each item that has ``local_offices``
    handed to the offices of the place ``form`` names: its review by the accepting office,
    its department the deciding bureau. A single item's entry takes both too (``department``
    and ``accepted_by``: who accepts). Returns ``definition`` itself when nothing changes."""
    found = {
        index: chosen
        for index, item in enumerate(definition["items"])
        if (chosen := office(item, form)) is not None
    }
    if not found:
        return dict(definition)
    localized = copy.deepcopy(dict(definition))
    for index, chosen in found.items():
        item = localized["items"][index]
        item["department"] = chosen["decides"]
        item["accepted_by"] = chosen["accepts"]
        for stage in item["process"]["stages"]:
            if stage["stage"] == "review":
                stage["departments"] = [chosen["accepts"]]
    if "bundle" not in localized:
        only = found[0]
        localized["department"], localized["accepted_by"] = only["decides"], only["accepts"]
    return localized


def misplaced(definition: Mapping[str, Any], form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The places ``form`` names outside the district it names, for each item of
    ``definition`` with ``local_offices``: one problem per field (``field``, ``message_zh``,
    ``message_en``, as the form check gives them) naming the district and the places that
    lie in it. Nothing while either field is unanswered, nor for a version stored before
    places named their district."""
    found = []
    for item in definition["items"]:
        local, chosen = item.get("local_offices"), office(item, form)
        if not local or chosen is None or "district_field" not in local:
            continue
        district = form.get(local["district_field"])
        if district is not None and chosen.get("district") != district:
            found.append(_outside(item, local, chosen["place"], str(district)))
    return found


def places_offered(definition: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, list[str]]:
    """The places a form page offers, per place field of the items of ``definition`` with
    ``local_offices``: those in the district ``form`` names (:func:`misplaced` refuses any
    other), in catalog order. A field whose district is unanswered, or of a version stored
    before places named their district, is left out (all its places stay offered)."""
    offered: dict[str, list[str]] = {}
    for item in definition["items"]:
        local = item.get("local_offices")
        if not local or "district_field" not in local:
            continue
        district = form.get(local["district_field"])
        if district is not None:
            inside = [o["place"] for o in local["offices"] if o.get("district") == district]
            offered[local["field"]] = inside
    return offered


def _outside(
    item: Mapping[str, Any], local: Mapping[str, Any], place: str, district: str
) -> dict[str, str]:
    fields = item["form"].get("properties", {})
    title = fields.get(local["field"], {}).get("title", local["field"])
    near = fields.get(local["district_field"], {}).get("title", local["district_field"])
    inside = [o["place"] for o in local["offices"] if o.get("district") == district]
    if inside:
        zh, en = (
            f"请在{district}的{title}中选择：{'、'.join(inside)}",
            f"choose one of {', '.join(inside)}",
        )
    else:
        zh, en = f"本事项在{district}没有可选的{title}", f"this item offers no place in {district}"
    return {
        "field": local["field"],
        "message_zh": f"“{title}”{place}不在“{near}”{district}内；{zh}。",
        "message_en": f"'{local['field']}' {place} does not lie in {district} "
        f"('{local['district_field']}'); {en}.",
    }


def problems(doc: SourceDocument, departments: set[str]) -> list[Problem]:
    """What is wrong with a schema-valid item's ``local_offices``: a field that is not an
    enum of the form listing exactly the places, a place twice, an unknown department."""
    local = doc.data.get("local_offices")
    if not local:
        return []
    found = []
    places = [o["place"] for o in local["offices"]]
    field = doc.data["form"].get("properties", {}).get(local["field"]) or {}
    if field.get("enum") != places or local["field"] not in doc.data["form"].get("required", []):
        message = f"属地办理字段 {local['field']} 须为表单必填字段，其选项与所列地点一致"
        found.append(doc.problem(["local_offices", "field"], message))
    if len(set(places)) != len(places):
        found.append(doc.problem(["local_offices", "offices"], "属地办理地点重复"))
    districts = doc.data["form"].get("properties", {}).get(local["district_field"]) or {}
    for index, entry in enumerate(local["offices"]):
        if entry["district"] not in (districts.get("enum") or []):
            message = (
                f"所属区字段 {local['district_field']} 须为表单字段，其选项包括 {entry['district']}"
            )
            found.append(doc.problem(["local_offices", "offices", index, "district"], message))
        for key in ("accepts", "decides"):
            if entry[key] not in departments:
                path: list[str | int] = ["local_offices", "offices", index, key]
                found.append(doc.problem(path, f"未知部门代码 {entry[key]}"))
    return found
