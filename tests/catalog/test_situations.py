"""The loader checks situations, synonyms, FAQ and material templates: a mistake names its
file, line and field, and the entry is not loaded."""

from __future__ import annotations

import itertools
from typing import Any

from tests.catalog.conftest import CATALOG, CatalogCopy
from tongban.catalog.definitions import bundle_definition, item_definition
from tongban.catalog.loader import read_catalog
from tongban.catalog.situations import questions, tailor
from tongban.catalog.yamlsource import Problem

KCG = "bundles/3501-BUNDLE-KCG.yaml"
SCJG_002 = "items/3501-SCJG-002.yaml"


def _errors(copy: CatalogCopy, file: str) -> list[Problem]:
    read = read_catalog(copy.root)
    return [p for p in read.errors if p.file == file]


def test_the_demo_situations_load() -> None:
    read = read_catalog(CATALOG)
    assert not read.errors
    assert [q["code"] for q in read.bundles["3501-BUNDLE-KCG"]["situations"]] == [
        "licence",
        "operator",
        "premises",
        "agent",
    ]


EITHER = {"PREMISES_PROOF", "LEASE_CONTRACT"}  # 产权证明 or 租赁合同: "二者提交其一"


def _every_answer(definition: dict[str, Any]) -> list[dict[str, str]]:
    asked = questions(definition)
    choices = [[str(o["value"]) for o in question["options"]] for question in asked]
    return [
        dict(zip([question["code"] for question in asked], picked, strict=True))
        for picked in itertools.product(*choices)
    ]


def test_every_entry_asks_for_exactly_one_proof_of_the_premises() -> None:
    """Every item or bundle listing both asks whether the premises are owned or rented, and
    each answer asks for one of them at most, and requires it: owned premises the proof of title,
    rented ones the tenancy contract (the 3501-SCJG-003, -006 and 3501-MZ-003 guides listed
    both with no such question; then rented premises asked for neither, and a shop was
    registered with no proof of its premises)."""
    read = read_catalog(CATALOG)
    entries = [item_definition(item) for item in read.items.values()] + [
        bundle_definition(bundle, [read.items[code] for code in bundle["items"]])
        for bundle in read.bundles.values()
    ]
    both = [e for e in entries if {m["code"] for m in e["materials"]} >= EITHER]
    assert {"3501-SCJG-003", "3501-SCJG-006", "3501-MZ-003"} <= {e["code"] for e in both}
    for definition in both:
        for answers in _every_answer(definition):
            asked = {m["code"]: m for m in tailor(definition, answers)["materials"]}
            proofs = EITHER & set(asked)  # none: the items needing premises left out
            assert len(proofs) <= 1, (definition["code"], answers)
            assert all(asked[code]["required"] for code in proofs), (definition["code"], answers)


def test_an_answer_leaving_out_the_alternative_must_require_its_own(
    catalog_copy: CatalogCopy,
) -> None:
    rented = "    omit_materials: [PREMISES_PROOF]\n    require_materials: [LEASE_CONTRACT]\n"
    catalog_copy.replace(KCG, rented, "    omit_materials: [PREMISES_PROOF]\n")

    [error] = _errors(catalog_copy, KCG)

    assert "PREMISES_PROOF" in error.message and "require_materials" in error.message
    assert error.field == "situations.2.options.1.omit_materials"


def test_an_omitted_material_the_entry_lacks_is_named_with_its_line(
    catalog_copy: CatalogCopy,
) -> None:
    line = catalog_copy.replace(KCG, "omit_materials: [LEASE_CONTRACT]", "omit_materials: [LEASE]")

    [error] = _errors(catalog_copy, KCG)

    assert error.line == line and "没有材料 LEASE" in error.message
    assert error.field == "situations.2.options.0.omit_materials"
    assert "3501-BUNDLE-KCG" not in read_catalog(catalog_copy.root).bundles


def test_an_option_may_not_leave_out_every_item(catalog_copy: CatalogCopy) -> None:
    catalog_copy.replace(
        KCG,
        "omit_items: [3501-SCJG-001, 3501-SCJG-003]",
        "omit_items: [3501-SCJG-001, 3501-SCJG-003, 3501-SCJG-002]",
    )
    messages = [error.message for error in _errors(catalog_copy, KCG)]
    assert "不能省去一件事的全部事项" in messages


def test_an_item_cannot_leave_out_items_and_options_must_differ(
    catalog_copy: CatalogCopy,
) -> None:
    catalog_copy.replace(
        SCJG_002,
        "    omit_materials: [AGENT_AUTH]\n  - value: agent",
        "    omit_items: [3501-SCJG-001]\n  - value: self",
    )
    messages = {error.message for error in _errors(catalog_copy, SCJG_002)}
    assert messages == {"只有一件事可以省去事项", "情形问题须至少有两个选项，选项值不能重复"}


def test_a_template_file_that_is_not_an_asset_is_refused(catalog_copy: CatalogCopy) -> None:
    catalog_copy.replace(
        SCJG_002, "blank: agent-authorisation-blank.pdf", "blank: missing-blank.pdf"
    )
    [error] = _errors(catalog_copy, SCJG_002)
    assert "missing-blank.pdf" in error.message and error.field.endswith(".blank")


def test_an_omitted_field_that_a_fact_used_once_needs_is_refused(
    catalog_copy: CatalogCopy,
) -> None:
    catalog_copy.replace(
        KCG,
        "    omit_items: [3501-SCJG-001]\n",
        "    omit_items: [3501-SCJG-001]\n    omit_fields: [enterprise_name]\n",
    )
    messages = [error.message for error in _errors(catalog_copy, KCG)]
    assert "字段 enterprise_name 用于收费或一次性使用的事实，不能省去" in messages


def test_a_featured_entry_without_questions_and_answers_is_refused(
    catalog_copy: CatalogCopy,
) -> None:
    """热门事项 open the service hall: one without 常见问题 would greet the most people
    with an empty tab."""
    catalog_copy.replace("items/3501-CGJ-001.yaml", "\nname:", "\nfeatured: true\nname:")
    [error] = _errors(catalog_copy, "items/3501-CGJ-001.yaml")
    assert error.message == "热门事项须有常见问题" and error.field == "featured"
