"""Checking the catalog folder: the demo catalog is clean, and each kind of mistake an
editor can make is reported with the file, the line and the field to fix.
"""

from __future__ import annotations

import pytest

from tests.catalog.conftest import CATALOG, CatalogCopy
from tongban.catalog.loader import read_catalog
from tongban.catalog.yamlsource import Problem

SCJG_001 = "items/3501-SCJG-001.yaml"
SCJG_002 = "items/3501-SCJG-002.yaml"
KCG = "bundles/3501-BUNDLE-KCG.yaml"


def _problems_in(problems: list[Problem], file: str) -> list[Problem]:
    return [problem for problem in problems if problem.file == file]


def _only_error(copy: CatalogCopy, file: str) -> Problem:
    """The single error reported for ``file`` (other files may suffer as a consequence)."""
    read = read_catalog(copy.root)
    errors = _problems_in(read.errors, file)
    assert len(errors) == 1, [str(problem) for problem in read.errors]
    return errors[0]


def test_demo_catalog_has_no_errors_and_only_the_known_warnings() -> None:
    read = read_catalog(CATALOG)

    assert read.errors == []
    assert len(read.items) == 44
    assert sorted(read.bundles) == [
        "3501-BUNDLE-ESFGH",
        "3501-BUNDLE-KCG",
        "3501-BUNDLE-QYKB",
        "3501-BUNDLE-QYZX",
        "3501-BUNDLE-XSECS",
    ]
    assert [f"{problem.file}: {problem.field}" for problem in read.problems] == [
        "items/3501-MZ-001.yaml: time_limit.promised"  # its notice's exemption, stated
    ]


def test_unknown_department_names_file_line_and_field(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(SCJG_001, "department: SCJG\n", "department: XXJ\n")

    problem = _only_error(catalog_copy, SCJG_001)

    assert f"{SCJG_001}:{line}:" in str(problem)
    assert problem.field == "department"
    assert "未知部门代码 XXJ" in problem.message


def test_unknown_reviewing_department_in_a_stage_is_an_error(catalog_copy: CatalogCopy) -> None:
    text = catalog_copy.text(SCJG_002)
    stage = "  - stage: review\n    limit: 1\n"
    assert stage in text
    line = catalog_copy.replace(SCJG_002, stage, stage + "    departments: [SCJG, NOPE]\n") + 2

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert problem.field == "process.stages.1.departments"
    assert "NOPE" in problem.message


def test_bad_item_code_names_the_code_line(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(SCJG_001, "code: 3501-SCJG-001\n", "code: 3501-scjg-001\n")

    problem = _only_error(catalog_copy, SCJG_001)

    assert f"{SCJG_001}:{line}:" in str(problem)
    assert problem.field == "code"


def test_code_that_does_not_match_the_file_name_is_an_error(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(SCJG_001, "code: 3501-SCJG-001\n", "code: 3501-SCJG-099\n")

    problem = _only_error(catalog_copy, SCJG_001)

    assert f"{SCJG_001}:{line}:" in str(problem)
    assert problem.field == "code"
    assert "3501-SCJG-099.yaml" in problem.message


def test_promised_limit_beyond_the_legal_one_is_an_error(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(SCJG_002, "  promised: 1\n", "  promised: 11\n")

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert problem.field == "time_limit.promised"
    assert "承诺时限不能超过法定时限" in problem.message


def test_a_number_json_cannot_hold_is_an_error_wherever_it_stands(
    catalog_copy: CatalogCopy,
) -> None:
    old = "    premises_area:\n      type: number\n"
    new = "    premises_area:\n      type: number\n      maximum: .inf\n"
    line = catalog_copy.replace(SCJG_002, old, new) + 2

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert problem.field == "form.properties.premises_area.maximum"
    assert "有限的数字" in problem.message


def test_form_that_is_not_json_schema_names_the_bad_keyword(catalog_copy: CatalogCopy) -> None:
    old = "    premises_area:\n      type: number\n"
    line = catalog_copy.replace(SCJG_002, old, "    premises_area:\n      type: numbr\n") + 1

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert problem.field == "form.properties.premises_area.type"
    assert "表单不是有效的 JSON Schema" in problem.message


def test_yaml_syntax_error_names_the_line(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(
        SCJG_002, "name: 食品经营许可证核发(告知承诺)\n", "name: 食品经营: 许可证\n"
    )

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert "YAML 语法错误" in problem.message


def test_bundle_referencing_a_missing_item_names_the_item(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(
        KCG,
        "items: [3501-SCJG-001, 3501-SCJG-003, 3501-SCJG-002]",
        "items: [3501-SCJG-001, 3501-SCJG-003, 3501-SCJG-002, 3501-SCJG-999]",
    )

    problem = _only_error(catalog_copy, KCG)

    assert f"{KCG}:{line}:" in str(problem)
    assert problem.field == "items.3"
    assert "3501-SCJG-999" in problem.message


def test_bundle_whose_items_define_a_form_field_differently_cannot_merge(
    catalog_copy: CatalogCopy,
) -> None:
    field = "    enterprise_name:\n      type: string\n      title: 企业(单位)名称\n"
    assert field in catalog_copy.text(SCJG_001)  # both items of the bundle ask for it
    catalog_copy.replace(SCJG_002, field, field.replace("企业(单位)名称", "店铺名称"))
    line = catalog_copy.line_of(KCG, "\nitems:") + 1

    problem = _only_error(catalog_copy, KCG)

    assert f"{KCG}:{line}:" in str(problem)
    assert problem.field == "items"
    assert "“一表申请”无法合并" in problem.message
    assert "enterprise_name" in problem.message
    assert "3501-BUNDLE-KCG" not in read_catalog(catalog_copy.root).bundles


def test_duplicate_material_code_names_the_second_one(catalog_copy: CatalogCopy) -> None:
    line = catalog_copy.replace(SCJG_002, "- code: FOOD_SAFETY_RULES\n", "- code: FOOD_LAYOUT\n")

    problem = _only_error(catalog_copy, SCJG_002)

    assert f"{SCJG_002}:{line}:" in str(problem)
    assert problem.field == "materials.3.code"
    assert "FOOD_LAYOUT" in problem.message


def test_an_item_with_errors_is_not_loadable_and_its_bundles_say_so(
    catalog_copy: CatalogCopy,
) -> None:
    catalog_copy.replace(SCJG_001, "department: SCJG\n", "department: XXJ\n")

    read = read_catalog(catalog_copy.root)

    assert "3501-SCJG-001" not in read.items
    broken_bundles = {
        problem.file for problem in read.errors if problem.file.startswith("bundles/")
    }
    assert broken_bundles == {KCG, "bundles/3501-BUNDLE-QYKB.yaml"}


def test_stages_out_of_order_or_without_acceptance_are_an_error(
    catalog_copy: CatalogCopy,
) -> None:
    """A case runs exactly the listed stages: they must start with 受理 and keep their order."""
    catalog_copy.replace(
        SCJG_002, "  - stage: accept\n    limit: 0\n  - stage: review\n", "  - stage: review\n"
    )
    problem = _only_error(catalog_copy, SCJG_002)
    assert problem.field == "process.stages" and "accept（受理）开始" in problem.message


def test_a_hall_window_serving_an_unknown_department_names_the_line(
    catalog_copy: CatalogCopy,
) -> None:
    line = catalog_copy.replace("halls.yaml", "serves: [SCJG]", "serves: [XXJ]")

    problem = _only_error(catalog_copy, "halls.yaml")

    assert f"halls.yaml:{line}:" in str(problem)
    assert "未知部门代码 XXJ" in problem.message


def test_a_slot_that_is_not_a_time_is_refused(catalog_copy: CatalogCopy) -> None:
    catalog_copy.replace("halls.yaml", "'16:30']", "'16:75']")

    problem = _only_error(catalog_copy, "halls.yaml")

    assert "slots" in (problem.field or "")


@pytest.mark.parametrize(
    ("slots", "slot"),
    [
        ("'16:30']", "'16:30', '17:00']"),  # begins as the hall closes
        ("'11:30',", "'11:45',"),  # runs into the lunch break (12:00–14:00)
    ],
)
def test_a_slot_outside_the_opening_hours_names_the_hall_and_the_slot(
    catalog_copy: CatalogCopy, slots: str, slot: str
) -> None:
    """福州市行政服务中心 is open 09:00–12:00 and 14:00–17:00 on working days: a 30-minute
    slot must begin and end within one of them."""
    line = catalog_copy.replace("halls.yaml", slots, slot)

    problem = _only_error(catalog_copy, "halls.yaml")

    assert f"halls.yaml:{line}:" in str(problem) and "slots" in (problem.field or "")
    begins = slot.strip("',]").split("', '")[-1]
    assert f"福州市行政服务中心（FZ-XZFW）的时段 {begins}" in problem.message
    assert "不在开放时间 09:00–12:00、14:00–17:00 内" in problem.message


def test_opening_hours_that_close_before_they_open_are_refused(catalog_copy: CatalogCopy) -> None:
    catalog_copy.replace(
        "halls.yaml", "{opens: '14:00', closes: '17:00'}", "{opens: '14:00', closes: '13:00'}"
    )

    problem = _only_error(catalog_copy, "halls.yaml")

    assert "hours" in (problem.field or "")
    assert "14:00–13:00" in problem.message and "关门时间须晚于开门时间" in problem.message


def test_a_result_issued_by_an_institution_names_a_required_form_field(
    catalog_copy: CatalogCopy,
) -> None:
    name = "items/3501-WJW-001.yaml"
    line = catalog_copy.replace(name, "    field: birth_hospital\n", "    field: hospital\n")

    problem = _only_error(catalog_copy, name)

    assert (problem.line, problem.field) == (line, "result.issued_by.field")
    assert "表单中没有必填字段 hospital" in problem.message


def test_a_conditional_licence_on_no_main_material_is_an_error(catalog_copy: CatalogCopy) -> None:
    """Found in trial: every substantive material of 公共场所卫生许可 was 容缺, so a case
    was accepted on the signed letter alone and a conditional licence issued."""
    hygiene = "items/3501-WJW-003.yaml"
    shared = "  ways: [shared, upload]\n  shared_source: health_certificate\n"
    catalog_copy.replace(
        hygiene,
        shared,
        shared.replace("  shared_source", "  deficiency_allowed: true\n  shared_source"),
    )
    problem = _only_error(catalog_copy, hygiene)
    assert problem.field == "materials" and "主要材料齐全" in problem.message


def test_a_letter_promising_a_post_check_no_case_of_the_item_gets_is_an_error(
    catalog_copy: CatalogCopy,
) -> None:
    """Found in trial: 跨省异地就医备案 (秒批) had the applicant sign "愿意接受审批部门的事后
    核查", but only 告知承诺 items schedule a post-approval check."""
    filing = "items/3501-YB-003.yaml"
    clause = "    三、承诺不实的"
    catalog_copy.replace(filing, clause, "    三、愿意接受审批部门的事后核查;承诺不实的")
    problem = _only_error(catalog_copy, filing)
    assert "事后核查" in problem.message and problem.field.startswith("materials")
