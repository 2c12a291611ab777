"""The catalog declares how each material is satisfied (``ways``), and the loader refuses a
guide that promises what the engine would not keep: a note saying the applicant need not
submit a material, while its ways still ask for an upload first."""

from __future__ import annotations

import yaml

from tests.catalog.conftest import CATALOG, CatalogCopy
from tongban.catalog import licence_types, ways
from tongban.catalog.loader import read_catalog

SCJG_001 = "items/3501-SCJG-001.yaml"
SCJG_002 = "items/3501-SCJG-002.yaml"
JT_002 = "items/3501-JT-002.yaml"


def _errors(copy: CatalogCopy, file: str) -> list[str]:
    return [p.message for p in read_catalog(copy.root).errors if p.file == file]


def test_every_material_of_the_demo_catalog_declares_its_ways_and_keeps_its_note() -> None:
    for path in sorted((CATALOG / "items").glob("*.yaml")):
        item = yaml.safe_load(path.read_text(encoding="utf-8"))
        for material in item["materials"]:
            declared = ways.declared(material)
            assert "ways" in material, f"{item['code']} {material['code']} declares no ways"
            for word in ways.promises(material):
                assert declared[0] != "upload", (item["code"], material["code"], word)
            if material.get("shared_source"):
                assert "shared" in declared, (item["code"], material["code"])
            if material.get("licence_type"):
                assert "licence" in declared, (item["code"], material["code"])


def test_a_note_promising_exemption_with_an_upload_first_names_item_material_and_promise(
    catalog_copy: CatalogCopy,
) -> None:
    catalog_copy.replace(
        SCJG_001,
        "  ways: [licence, shared, upload]\n  shared_source: population\n  licence_type: 居民身份证\n"
        "  document_validity: true\n  formats: [pdf, jpg, png, ofd]\n  copies: 原件核验\n  note: 已有电子身份证照",
        "  ways: [upload]\n  shared_source: population\n  licence_type: 居民身份证\n"
        "  document_validity: true\n  formats: [pdf, jpg, png, ofd]\n  copies: 原件核验\n  note: 已有电子身份证照",
    )
    [message] = _errors(catalog_copy, SCJG_001)
    assert "3501-SCJG-001" in message and "ID_CARD" in message and "“免于提交”" in message
    assert "仍要求申请人上传" in message


def test_a_generated_form_declared_as_an_upload_breaks_its_promise(
    catalog_copy: CatalogCopy,
) -> None:
    text = catalog_copy.text(SCJG_002)
    catalog_copy.path(SCJG_002).write_text(
        text.replace("  ways: [generated]\n", "", 1), encoding="utf-8"
    )
    messages = _errors(catalog_copy, SCJG_002)
    assert any("APPLICATION_FORM" in m and "“自动生成”" in m for m in messages), messages


def test_signed_online_needs_the_text_and_verified_needs_the_issuer(
    catalog_copy: CatalogCopy,
) -> None:
    catalog_copy.replace(
        JT_002, "  issuer: GA\n  shared_source: criminal_record", "  shared_source: criminal_record"
    )
    [message] = _errors(catalog_copy, JT_002)
    assert "NO_CRIME_RECORD" in message and "issuer" in message


def test_an_upload_is_the_last_resort(catalog_copy: CatalogCopy) -> None:
    catalog_copy.replace(
        SCJG_001,
        "  ways: [licence, shared, upload]\n  shared_source: population\n  licence_type: 居民身份证\n"
        "  document_validity: true\n  formats: [pdf, jpg, png, ofd]\n  copies: 原件核验\n  note: 已有电子身份证照",
        "  ways: [licence, upload, shared]\n  shared_source: population\n  licence_type: 居民身份证\n"
        "  document_validity: true\n  formats: [pdf, jpg, png, ofd]\n  copies: 原件核验\n  note: 已有电子身份证照",
    )
    assert any("upload 须列在最后" in m for m in _errors(catalog_copy, SCJG_001))


def test_a_licence_type_the_licence_library_does_not_know_fails_the_loader(
    catalog_copy: CatalogCopy,
) -> None:
    """A held licence can satisfy a material only under a type licences are issued as."""
    scjg_005 = "items/3501-SCJG-005.yaml"
    catalog_copy.replace(scjg_005, "licence_type: 营业执照\n", "licence_type: 营业执照副本\n")
    [message] = _errors(catalog_copy, scjg_005)
    assert "BIZ_LICENCE" in message and "“营业执照副本”不是电子证照库已知的证照类型" in message


def test_every_licence_type_of_the_demo_catalog_is_one_the_licence_library_knows() -> None:
    known = licence_types.known()
    assert "营业执照" in known and "居民身份证" in known
    for path in sorted((CATALOG / "items").glob("*.yaml")):
        item = yaml.safe_load(path.read_text(encoding="utf-8"))
        for material in item["materials"]:
            if material.get("licence_type"):
                assert material["licence_type"] in known, (item["code"], material["code"])
            if item["result"]["kind"] == "licence":
                assert item["result"]["name"] in known, item["code"]


def test_a_bundles_letter_is_in_english_only_while_every_text_has_its_english() -> None:
    """One letter signed once for a bundle: its English joins each item's, and a text with
    no English leaves the whole letter in Chinese rather than an English one missing it."""
    first = {"text": "甲承诺", "text_en": "A commits"}
    known = dict(first)
    ways.merge_text(known, {"text": "乙承诺", "text_en": "B commits"})
    assert (known["text"], known["text_en"]) == ("甲承诺\n\n乙承诺", "A commits\n\nB commits")
    ways.merge_text(known, {"text": "丙承诺"})
    assert known["text"].endswith("丙承诺") and "text_en" not in known


def test_a_bundle_cannot_share_a_material_its_items_reuse_for_different_periods(
    catalog_copy: CatalogCopy,
) -> None:
    """AGENT_AUTH serves one matter in both 3501-SCJG-001 and 3501-SCJG-002 (reuse_months 0);
    were one to let it be reused for 3 months, the bundle 开餐馆 would ask it once under two
    rules, and the loader says so."""
    catalog_copy.replace(
        SCJG_002, "required: false\n  reuse_months: 0", "required: false\n  reuse_months: 3"
    )
    problems = _errors(catalog_copy, "bundles/3501-BUNDLE-KCG.yaml")
    assert any("材料 AGENT_AUTH 在不同事项中的 reuse_months 不同" in p for p in problems)
