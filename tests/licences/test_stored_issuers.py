"""Who signs a result on an item version stored before the catalog dropped
``result.issued_by.name`` and ``body``: a 低保 case still running on such a version is
issued by the bureau its form's district names (a 机关), as when it started."""

from __future__ import annotations

from tongban.cases.models import Case
from tongban.catalog.models import Department
from tongban.licences.issuing import _issuer
from tongban.licences.types import department_credit_code

OLD_RESULT = {
    "issued_by": {
        "field": "fuzhou_district",
        "title": "区民政局",
        "name": "{}民政局",
        "body": "agency",
    }
}


def test_a_version_stored_with_a_named_agency_issuer_keeps_it() -> None:
    case = Case(form_data={"fuzhou_district": "鼓楼区"})
    city = Department(code="MZ", name="福州市民政局", division_code="350100")
    name, code = _issuer(case, {"result": OLD_RESULT}, city)
    assert (name, code) == ("鼓楼区民政局", department_credit_code("鼓楼区民政局", "350100"))
    assert code.startswith("11")  # a 机关, not a 事业单位 (12…)
    hospital = {"result": {"issued_by": {"field": "birth_hospital", "title": "助产机构"}}}
    named, other = _issuer(Case(form_data={"birth_hospital": "福建省妇幼保健院"}), hospital, city)
    assert named == "福建省妇幼保健院" and other.startswith("12")
