"""Catalog quality warnings: an item with more steps than the reform allows (行政许可 3 + 1,
公共服务 2 + 1), or asking for an upload of a certificate that an e-licence or a shared
source holds, is loaded with a warning naming the file, line and field to fix.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.catalog.conftest import CatalogCopy
from tongban.catalog.loader import read_catalog
from tongban.catalog.yamlsource import Problem

PERMIT = "items/3501-WJW-002.yaml"  # 放射工作人员证核发: 受理、审查、决定、制证
SERVICE = "items/3501-GA-004.yaml"  # 居住证申领, a public service: 受理、审查、制证
ID_WAYS = (
    "  ways: [licence, shared, upload]\n  shared_source: population\n  licence_type: 居民身份证\n"
)
ID_NOTE = "  note: 已有电子身份证照或刷脸核验的,免于提交\n"


def _warnings(copy: CatalogCopy, file: str) -> list[Problem]:
    read = read_catalog(copy.root)
    assert read.errors == [], [str(problem) for problem in read.errors]
    return [problem for problem in read.problems if problem.file == file and problem.warning]


def test_the_steps_the_reform_allows_load_without_a_warning(catalog_copy: CatalogCopy) -> None:
    assert _warnings(catalog_copy, PERMIT) == []
    assert _warnings(catalog_copy, SERVICE) == []


def test_a_permit_with_a_fifth_step_is_warned(catalog_copy: CatalogCopy) -> None:
    issue = "  - stage: issue\n    limit: 0\n"
    catalog_copy.replace(PERMIT, issue, issue + "  - stage: deliver\n    limit: 1\n")
    line = catalog_copy.line_of(PERMIT, "  - stage: accept\n")

    (warning,) = _warnings(catalog_copy, PERMIT)

    assert (warning.line, warning.field) == (line, "process.stages")
    assert "5 个（受理、审查、决定、制证、送达）" in warning.message
    assert "行政许可事项不超过 3+1 个环节" in warning.message


def test_a_public_service_with_a_fourth_step_is_warned(catalog_copy: CatalogCopy) -> None:
    review = "  - stage: review\n    limit: 2\n"
    catalog_copy.replace(SERVICE, review, review + "  - stage: decide\n    limit: 1\n")

    (warning,) = _warnings(catalog_copy, SERVICE)

    assert warning.field == "process.stages"
    assert "公共服务事项不超过 2+1 个环节" in warning.message


def test_an_id_card_only_uploaded_is_warned_with_what_could_replace_it(
    catalog_copy: CatalogCopy,
) -> None:
    line = catalog_copy.replace(PERMIT, ID_WAYS, "  ways: [upload]\n")
    catalog_copy.replace(PERMIT, ID_NOTE, "")  # its promise 免于提交 would be an error

    (warning,) = _warnings(catalog_copy, PERMIT)

    assert (warning.line, warning.field) == (line, "materials.1.ways")
    assert "材料 ID_CARD（申请人(经办人)居民身份证）可由" in warning.message
    assert "电子证照“居民身份证”" in warning.message
    assert "共享数据“公安人口库”（population）" in warning.message


def test_a_certificate_a_shared_source_holds_is_warned_when_only_uploaded(
    catalog_copy: CatalogCopy,
) -> None:
    material = (
        "- code: NO_RECORD\n  name: 无犯罪记录证明\n  required: true\n  ways: [upload]\n"
        "  formats: [pdf]\n"
    )
    catalog_copy.replace(PERMIT, "- code: PHOTO\n", material + "- code: PHOTO\n")

    (warning,) = _warnings(catalog_copy, PERMIT)

    assert warning.field == "materials.2.ways"
    assert "共享数据“公安人口库”" not in warning.message
    assert "可由共享数据“公安违法犯罪记录库”（criminal_record）替代" in warning.message


def test_a_material_with_a_shared_way_before_the_upload_is_not_warned(
    catalog_copy: CatalogCopy,
) -> None:
    shared_only = "  ways: [shared, upload]\n  shared_source: population\n"
    catalog_copy.replace(PERMIT, ID_WAYS, shared_only)

    assert _warnings(catalog_copy, PERMIT) == []


HPF = "items/3501-GJJ-002.yaml"  # 公积金提取: legal 3 working days, promised 1
DIBAO = "items/3501-MZ-001.yaml"  # 低保: legal 30 working days, a 7-day public notice


def _promise_warnings(copy: CatalogCopy, file: str) -> list[str]:
    found = _warnings(copy, file)
    return [p.message for p in found if p.field == "time_limit.promised"]


def test_a_promise_as_short_as_its_unit_states_is_not_warned(catalog_copy: CatalogCopy) -> None:
    assert _promise_warnings(catalog_copy, HPF) == []  # 1 of 3 days: 0.9 is not a promise
    catalog_copy.replace(HPF, "  promised: 1\n", "  promised: 2\n")
    assert _promise_warnings(catalog_copy, HPF) == ["承诺时限为法定时限的 67%，超过 30% 的压缩目标"]


def test_a_public_notice_the_law_sets_is_left_out_of_the_share(catalog_copy: CatalogCopy) -> None:
    # 9 working days + the 5 of 7 日: within the target, and said why (issue 16's trial,
    # fault 11: 47 % of the legal limit passed the check with no word)
    assert _promise_warnings(catalog_copy, DIBAO) == [
        "承诺时限为法定时限的 47%，扣除法定公示期 7 日后为 30%，未超过 30% 的压缩目标"
        "（公示期由法律规定，不能压缩）"
    ]
    catalog_copy.replace(DIBAO, "  promised: 14", "  promised: 15")
    (message,) = _promise_warnings(catalog_copy, DIBAO)
    assert message == "承诺时限为法定时限的 50%，超过 30% 的压缩目标（法定公示期 7 日不计在内）"


def test_a_promise_above_30_percent_of_a_long_limit_is_warned(catalog_copy: CatalogCopy) -> None:
    assert _promise_warnings(catalog_copy, PERMIT) == []  # 3 of 20 working days
    catalog_copy.replace(PERMIT, "  promised: 3\n", "  promised: 7\n")
    assert _promise_warnings(catalog_copy, PERMIT) == [
        "承诺时限为法定时限的 35%，超过 30% 的压缩目标"
    ]


def test_no_item_form_asks_again_how_the_result_is_delivered() -> None:
    """The form page's 结果送达 section asks how the result goes (and the mailing address); a
    form field asking it too (领证方式 窗口领取 beside 邮寄送达) let an applicant contradict it."""
    asked_twice = []
    for path in sorted((Path(__file__).parents[2] / "catalog" / "items").glob("*.yaml")):
        form = yaml.safe_load(path.read_text(encoding="utf-8")).get("form") or {}
        for name, field in (form.get("properties") or {}).items():
            words = str(field.get("title", "")) + " ".join(map(str, field.get("enum", [])))
            if any(word in words for word in ("邮寄", "领证方式", "领卡方式", "窗口领取")):
                asked_twice.append(f"{path.name}: {name}")
    assert asked_twice == []
