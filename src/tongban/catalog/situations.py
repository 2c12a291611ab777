"""Situations (情形引导): a few plain questions an item or bundle asks before its form.

An entry's ``situations`` (catalog data) are questions, each with options; an option may
leave out materials (``omit_materials``), form fields (``omit_fields``) and, for a
bundle, whole items with their departments (``omit_items``), or make a material the
catalog lists as optional required (``require_materials``: owned premises need the proof
of title, 产权证明, that a tenancy contract replaces otherwise). The answers, stored with
the case, decide the definition the case runs on (:func:`tailor`): the materials checked
at submission, the form, and the departments the bundle fans out to.

Shapes: ``answers`` is ``{question code: option value}``, one answer per question.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import Any

from tongban.catalog.definitions import bundle_time_limit, merge_forms, merge_materials
from tongban.catalog.yamlsource import Problem, SourceDocument
from tongban.errors import InvalidInput, gather

Answers = dict[str, str]


def questions(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The situations an entry asks (its own: a bundle's, or the single item's)."""
    source = definition.get("bundle") or definition["items"][0]
    return list(source.get("situations") or [])


def check_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> Answers:
    """``answers`` as ``{code: value}`` when each question of the entry is answered with one
    of its options; InvalidInput naming every question that is not and every answer to a
    question the entry does not ask (fields ``situations.<code>``, all at once:
    ``errors.gather``). An entry without situations takes no answers."""
    asked = {question["code"]: question for question in questions(definition)}

    def unknown(code: str) -> None:
        raise InvalidInput(
            f"“{definition['name']}”没有“{code}”这一情形问题。",
            f"'{definition.get('name_en') or definition['code']}' asks no question '{code}'.",
            field=f"situations.{code}",
        )

    def answered(code: str, question: Mapping[str, Any]) -> str:
        value = answers.get(code)
        if value not in {str(option["value"]) for option in question["options"]}:
            raise InvalidInput(
                f"请回答“{question['question']}”，从给出的选项中选择一项。",
                f"Answer '{question.get('question_en') or question['question']}' with one of "
                "its options.",
                field=f"situations.{code}",
            )
        return str(value)

    checks: dict[str, Callable[[], Any]] = {
        f"unasked.{code}": partial(unknown, code) for code in answers if code not in asked
    }
    checks.update({code: partial(answered, code, q) for code, q in asked.items()})
    checked = gather(checks)
    return {code: checked[code] for code in asked}


def _chooses(question: Mapping[str, Any]) -> bool:
    """Whether ``question`` chooses between items: every option leaves some out."""
    return all(option.get("omit_items") for option in question["options"])


def chooses(definition: Mapping[str, Any]) -> bool:
    """Whether the entry asks a question that chooses between its items (个体工商户 or
    公司): its cases run on the tailored definition even without answers."""
    return any(_chooses(question) for question in questions(definition))


def _chosen(definition: Mapping[str, Any], answers: Mapping[str, str]) -> list[dict[str, Any]]:
    """The options ``answers`` chose; a question that chooses between items and has no
    answer takes its first option, so that no case runs two alternatives at once."""
    options = []
    for question in questions(definition):
        answer = answers.get(question["code"])
        if answer is None and _chooses(question):
            answer = str(question["options"][0]["value"])
        for option in question["options"]:
            if str(option["value"]) == answer:
                options.append(option)
    return options


def tailor(definition: Mapping[str, Any], answers: Mapping[str, str]) -> dict[str, Any]:
    """The definition a case with ``answers`` runs on: the items, materials and form fields
    the chosen options leave out removed (each item's own materials and form too), the
    materials they require marked ``required`` (in every item that lists them), the form,
    materials and time limits of a bundle made again from the items that remain. No answers: the
    definition unchanged (every material, the whole form), but for a question that
    chooses between items, which takes its first option: only its items run and their
    materials and fields are required, while the form keeps the others' fields optional
    (a client that sent the whole form is not refused for them)."""
    chosen = _chosen(definition, answers)
    if not chosen:
        return dict(definition)
    omit_items = {code for option in chosen for code in option.get("omit_items", [])}
    omit_materials = {code for option in chosen for code in option.get("omit_materials", [])}
    omit_fields = {name for option in chosen for name in option.get("omit_fields", [])}
    required = {code for option in chosen for code in option.get("require_materials", [])}
    tailored = copy.deepcopy(dict(definition))
    items = [item for item in tailored["items"] if item["code"] not in omit_items]
    for item in items:
        item["materials"] = [m for m in item["materials"] if m["code"] not in omit_materials]
        for material in item["materials"]:
            material["required"] = material["required"] or material["code"] in required
        item["form"] = _without_fields(item["form"], omit_fields)
    tailored["items"] = items
    tailored["materials"] = merge_materials(items)[0]
    if tailored["kind"] == "bundle":
        requires = tailored.get("requires") or {}
        tailored["time_limit"] = bundle_time_limit(
            tailored["bundle"]["time_limit"], items, requires
        )
    form = merge_forms(items)[0] if tailored["kind"] == "bundle" else items[0]["form"]
    if not answers and tailored["kind"] == "bundle":  # defaults only: keep the whole form
        form = {**merge_forms(definition["items"])[0], "required": form["required"]}
    tailored["form"] = _without_fields(form, omit_fields)
    return tailored


def _without_fields(form: dict[str, Any], omitted: set[str]) -> dict[str, Any]:
    if not omitted:
        return form
    kept = {name: value for name, value in form["properties"].items() if name not in omitted}
    required = [name for name in form.get("required", []) if name not in omitted]
    return {**form, "properties": kept, "required": required}


def reduction(definition: Mapping[str, Any], answers: Mapping[str, str]) -> tuple[int, int]:
    """(materials asked, materials in the full list) for ``answers``: what the metrics count
    as the materials the situations spared the applicant (减材料)."""
    return len(tailor(definition, answers)["materials"]), len(definition["materials"])


def problems(
    doc: SourceDocument,
    *,
    materials: set[str],
    fields: set[str],
    items: list[str] | None = None,
    locked_fields: Collection[str] = (),
) -> list[Problem]:
    """What is wrong with the ``situations`` of a schema-valid item or bundle: a question
    code or option value twice, an omitted or required material, field or item the entry
    does not have, a material both omitted and required, a field other rules need (``locked_fields``: fees, facts used once), an option
    that leaves out every item of a bundle or a question with one option."""
    found = []
    seen: set[str] = set()
    for index, question in enumerate(doc.data.get("situations") or []):
        path: list[str | int] = ["situations", index]
        if question["code"] in seen:
            found.append(doc.problem([*path, "code"], f"情形问题代码 {question['code']} 重复"))
        seen.add(question["code"])
        values = [str(option["value"]) for option in question["options"]]
        if len(set(values)) != len(values) or len(values) < 2:
            message = "情形问题须至少有两个选项，选项值不能重复"
            found.append(doc.problem([*path, "options"], message))
        for number, option in enumerate(question["options"]):
            found += _option_problems(
                doc, [*path, "options", number], option, materials, fields, items, locked_fields
            )
        found += _alternative_problems(doc, path, question["options"])
    return found


def _alternative_problems(
    doc: SourceDocument, path: list[str | int], options: list[Mapping[str, Any]]
) -> list[Problem]:
    """Options choosing between alternatives (产权证明 or 租赁合同, 二者提交其一): an option
    leaving out a material another option requires must require its own instead, or the
    answer asks for neither (rented premises were registered with no proof at all)."""
    wanted = {code for option in options for code in option.get("require_materials", [])}
    found = []
    for number, option in enumerate(options):
        dropped = sorted(wanted & set(option.get("omit_materials", [])))
        if dropped and not option.get("require_materials"):
            message = f"本选项省去了其他选项要求的材料 {'、'.join(dropped)}，须以 require_materials 要求替代它的材料"
            found.append(doc.problem([*path, "options", number, "omit_materials"], message))
    return found


def _option_problems(
    doc: SourceDocument,
    path: list[str | int],
    option: Mapping[str, Any],
    materials: set[str],
    fields: set[str],
    items: list[str] | None,
    locked_fields: Collection[str],
) -> list[Problem]:
    found = []
    for code in option.get("omit_materials", []):
        if code not in materials:
            found.append(doc.problem([*path, "omit_materials"], f"没有材料 {code}，不能省去"))
    for code in option.get("require_materials", []):
        if code not in materials:
            found.append(doc.problem([*path, "require_materials"], f"没有材料 {code}，不能要求"))
        elif code in option.get("omit_materials", []):
            message = f"材料 {code} 不能既省去又要求"
            found.append(doc.problem([*path, "require_materials"], message))
    for name in option.get("omit_fields", []):
        if name not in fields:
            found.append(doc.problem([*path, "omit_fields"], f"表单中没有字段 {name}，不能省去"))
        elif name in locked_fields:
            message = f"字段 {name} 用于收费或一次性使用的事实，不能省去"
            found.append(doc.problem([*path, "omit_fields"], message))
    omitted = option.get("omit_items", [])
    if omitted and items is None:
        found.append(doc.problem([*path, "omit_items"], "只有一件事可以省去事项"))
    for code in omitted:
        if items is not None and code not in items:
            found.append(doc.problem([*path, "omit_items"], f"事项 {code} 不在本一件事中"))
    if items is not None and set(items) <= set(omitted):
        found.append(doc.problem([*path, "omit_items"], "不能省去一件事的全部事项"))
    return found


QUERY_PREFIX = "s_"  # a page's answers travel as ?s_<question>=<option>


def from_query(params: Mapping[str, str]) -> Answers:
    """The answers a page's query carries (``s_premises=owned``), unchecked."""
    return {
        key.removeprefix(QUERY_PREFIX): value
        for key, value in params.items()
        if key.startswith(QUERY_PREFIX) and value
    }


def to_query(answers: Mapping[str, str]) -> str:
    """``answers`` as a query string without the leading ``?`` (empty for no answers)."""
    return "&".join(f"{QUERY_PREFIX}{code}={value}" for code, value in answers.items())
