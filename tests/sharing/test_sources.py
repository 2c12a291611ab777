"""The data-source registry is catalog data the loader checks, like the items that use it."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tongban.catalog import service as catalog
from tongban.catalog.loader import read_catalog
from tongban.catalog.sources import source_ref

CATALOG = Path(__file__).resolve().parents[2] / "catalog"
GA_001 = "items/3501-GA-001.yaml"


def test_every_source_the_catalog_names_is_declared_with_owner_key_and_typed_fields() -> None:
    read = read_catalog(CATALOG)
    assert not read.errors, read.errors
    named = set()
    for item in read.items.values():
        named |= {m["shared_source"] for m in item["materials"] if m.get("shared_source")}
        named |= {ref[0] for p in item["form"]["properties"].values() if (ref := source_ref(p))}
    assert named <= set(read.sources)
    wanted = {"population", "enterprise_register", "social_insurance", "housing_fund", "tax"}
    assert wanted | {"marriage_register", "credit", "e_licence"} <= set(read.sources)
    owners = {code: source["department"] for code, source in read.sources.items()}
    assert owners["population"] == "GA" and owners["enterprise_register"] == "SCJG"
    assert read.sources["population"]["key"] == "resident_id"
    assert read.sources["enterprise_register"]["key"] == "credit_code"
    assert read.sources["population"]["fields"]["birth_date"]["type"] == "date"


def test_sources_are_stored_with_the_catalog(db: Session) -> None:
    sources = catalog.list_sources(db)
    assert sources["population"]["name"] == "公安人口库"


def test_a_form_field_naming_an_unknown_source_field_fails_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    line = catalog_copy.replace(
        GA_001,
        "x-source: [enterprise_register.legal_rep_name,",
        "x-source: [enterprise_register.boss,",
    )
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == GA_001]
    assert [(p.line, p.field) for p in problems] == [
        (line, "form.properties.legal_rep_name.x-source")
    ]
    assert "没有字段 boss" in problems[0].message


def test_a_material_naming_an_unknown_source_or_key_field_fails_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    old = "  shared_source: population\n  shared_keys: [legal_rep_id_number]\n"
    new = "  shared_source: populace\n  shared_keys: [boss_id_number]\n"
    catalog_copy.replace(GA_001, old, new)
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == GA_001]
    assert [p.field for p in problems] == [
        "materials.1.shared_source",
        "materials.1.shared_keys.0",
    ]


def test_a_source_owned_by_an_unknown_department_fails_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    text = yaml.safe_load(catalog_copy.text("sources.yaml"))
    assert text["sources"][0]["department"] == "GA"
    catalog_copy.replace(
        "sources.yaml",
        "  name_en: Population register\n  department: GA\n  key: resident_id\n",
        "  name_en: Population register\n  department: XX\n  key: resident_id\n",
    )
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == "sources.yaml"]
    assert [p.message for p in problems] == ["未知部门代码 XX"]


def test_a_register_of_someone_else_s_records_is_asked_by_the_field_the_catalog_names(
    catalog_copy: CatalogCopy,
) -> None:
    """The birth register is the mother's: a form without her ID number cannot ask it
    (it used to be asked by the applicant's own ID, and found nothing for a father)."""
    read = read_catalog(CATALOG)
    assert read.sources["birth_certificate"]["key_field"] == "mother_id_number"
    item = "items/3501-YB-002.yaml"  # no mother_id_number: the insured mother applies herself
    old = "  shared_source: birth_certificate\n  shared_keys: [applicant_id_number]"
    catalog_copy.replace(item, old, "  shared_source: birth_certificate")
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == item]
    assert [p.field for p in problems] == ["materials.1.shared_source"]
    assert "按表单字段 mother_id_number 查询" in problems[0].message


def test_a_material_pulled_by_a_project_code_needs_the_code_on_the_form(
    catalog_copy: CatalogCopy,
) -> None:
    """排污许可证 promised its EIA approval "通过审批系统调取" from a register looked up by
    the project code, on a form that never asked the code: every lookup failed and the
    approval was always uploaded. The form asks the code now; without it, the loader says."""
    item = "items/3501-ST-002.yaml"
    catalog_copy.replace(item, "    project_code:\n", "    project_number:\n")
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == item]
    assert [p.field for p in problems] == ["materials.2.shared_source"]
    assert (
        "数据源 eia_approval 按表单字段 project_code 查询，表单中没有该字段" in problems[0].message
    )


def test_a_company_shareholders_source_must_be_keyed_by_credit_code(
    catalog_copy: CatalogCopy,
) -> None:
    item = "items/3501-SCJG-001.yaml"
    old = "  credit_code_source: enterprise_register\n"
    catalog_copy.replace(item, old, "  credit_code_source: marriage_register\n")
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == item]
    assert [p.field for p in problems] == ["materials.3.credit_code_source"]
    assert "不按统一社会信用代码查询" in problems[0].message


def test_a_source_looked_up_by_another_number_must_say_whose_records_it_holds(
    catalog_copy: CatalogCopy,
) -> None:
    """A project code names no person: without ``subject_field`` its pulls would be
    logged against whoever typed the code, not the project's 建设单位."""
    catalog_copy.replace(
        "sources.yaml",
        "  key: project_code\n  subject_field: builder_credit_code  # the project's 建设单位, "
        "whoever types the code\n  documents: [建设工程规划许可证]\n",
        "  key: project_code\n  documents: [建设工程规划许可证]\n",
    )
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == "sources.yaml"]
    assert len(problems) == 1 and problems[0].field.endswith(".key")
    assert "planning_permit" in problems[0].message and "subject_field" in problems[0].message


def test_a_sources_english_values_that_do_not_pair_with_its_values_fail_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    """A closed set's English labels stand in for its values one for one on English pages:
    a label missing or
    out of order would leave a value in Chinese or name it wrongly: the loader refuses it."""
    catalog_copy.replace(
        "sources.yaml",
        'enum: [男, 女], enum_en: ["Male", "Female"]',
        'enum: [男, 女], enum_en: ["Male"]',
    )
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == "sources.yaml"]
    assert len(problems) == 1 and "enum_en 须与 enum 逐条对应" in problems[0].message


def test_an_open_lists_english_that_does_not_pair_with_its_terms_fails_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    """The English of GB/T 4754's titles (``terms_en``) pairs with ``terms`` one for one:
    one missing would show the next industry's English for a register's value."""
    catalog_copy.replace(
        "sources.yaml", '["Residential", "Commercial services"]', '["Commercial services"]'
    )
    problems = [p for p in read_catalog(catalog_copy.root).errors if p.file == "sources.yaml"]
    assert len(problems) == 1 and "terms_en 须与 terms 逐条对应" in problems[0].message
