"""Test factories: valid form data for any catalog form, and cases at each stage of
their life (draft, submitted, in correction, in review, approved …) driven through
the public API exactly as a client would.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from tongban.identifiers import make_credit_code, make_resident_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLES = {
    "pdf": PDF,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "ofd": b"PK\x03\x04" + b"\x00" * 32,
}
API = "/api/v1"

_NAMED: dict[str, Any] = {
    "phone": "13800000001",
    "email": "applicant@example.cn",
    "credit_code": make_credit_code("350102", "MA2XQ1K7"),
}
# Values tried, in order, against a field's pattern.
_PATTERNED = [
    make_resident_id("350102", date(1985, 6, 15), 123),
    "13800000001",
    make_credit_code("350102", "MA2XQ1K7"),
    "闽A12345",
    "08:30",
    "350102003001GB00001F00010001",
    "2025-09",
    "3501-202509-01-01-000001",
    "6222021234567890",
    "A123456789",
]


def _string(name: str, spec: dict[str, Any]) -> str:
    if name.endswith("id_number"):
        return make_resident_id("350102", date(1985, 6, 15), 123)
    if name in _NAMED:
        return str(_NAMED[name])
    if "pattern" in spec:
        return next(v for v in _PATTERNED if re.search(spec["pattern"], v))
    if spec.get("format") == "date":
        return "2025-09-01"
    text = "福州市鼓楼区五四路1号" if "address" in name else "测试内容"
    return text + "样" * max(0, spec.get("minLength", 0) - len(text))


def _value(name: str, spec: dict[str, Any]) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    if "const" in spec:
        return spec["const"]
    kind = spec.get("type", "string")
    if kind == "object":
        return {key: _value(key, sub) for key, sub in spec.get("properties", {}).items()}
    if kind == "array":
        items = spec.get("items", {"type": "string"})
        count = max(1, spec.get("minItems", 1))
        return list(items["enum"][:count]) if "enum" in items else [_value(name, items)] * count
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = spec.get("minimum", spec.get("exclusiveMinimum", 0) + 1)
        return max(int(low), min(10, int(spec.get("maximum", 10))))
    return _string(name, spec)


def fill_form(schema: dict[str, Any]) -> dict[str, Any]:
    """A valid answer to every property of a catalog form."""
    data = {name: _value(name, spec) for name, spec in schema["properties"].items()}
    problems = [
        e.message
        for e in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data)
    ]
    assert not problems, f"factory cannot fill this form yet: {problems}"
    return data


def entry(client: TestClient, code: str) -> dict[str, Any]:
    kind = "bundles" if "BUNDLE" in code else "items"
    response = client.get(f"{API}/{kind}/{code}")
    assert response.status_code == 200, response.text
    return dict(response.json()["definition"])


def find_code(client: TestClient, words: str, *, bundle: bool) -> str:
    """The code of the first search hit of the wanted kind."""
    hits = client.get(f"{API}/search", params={"q": words}).json()
    for hit in hits:
        if (hit["kind"] == "bundle") == bundle:
            return str(hit["code"])
    raise AssertionError(f"no {'bundle' if bundle else 'item'} found for {words!r}: {hits}")


def draft(client: TestClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    """A draft with a valid form and a PDF for every required material."""
    spec = entry(client, code)
    response = client.post(
        f"{API}/cases", json={"code": code, "form_data": fill_form(spec["form"])}, headers=headers
    )
    assert response.status_code == 201, response.text
    case = response.json()
    for material in spec["materials"]:
        if material["required"]:
            kind = (material.get("formats") or ["pdf"])[0]
            response = upload(
                client, headers, case["number"], material["code"], SAMPLES[kind], kind
            )
            assert response.status_code == 201, response.text
    return dict(case)


def upload(
    client: TestClient,
    headers: dict[str, str],
    number: str,
    material: str,
    data: bytes = PDF,
    kind: str = "pdf",
) -> Any:
    files = {"file": (f"{material}.{kind}", data, "application/octet-stream")}
    return client.post(
        f"{API}/cases/{number}/materials",
        data={"material_code": material},
        files=files,
        headers=headers,
    )


def submitted(client: TestClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    case = draft(client, headers, code)
    response = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def open_task(
    client: TestClient, headers: dict[str, str], number: str, stage: str
) -> dict[str, Any]:
    """The open task of ``stage`` for case ``number`` in the staff member's queue."""
    tasks = client.get(f"{API}/tasks", headers=headers).json()
    for task in tasks:
        if task["case_number"] == number and task["stage"] == stage:
            return dict(task)
    raise AssertionError(f"no open {stage} task for {number} in this queue: {tasks}")


def act(
    client: TestClient, headers: dict[str, str], task: dict[str, Any], action: str, **body: Any
) -> Any:
    return client.post(f"{API}/tasks/{task['id']}/{action}", json=body, headers=headers)


def attach_materials(
    session: Any, *, case: Any, user: Any, store: Any, now: Any, required_only: bool = True
) -> None:
    """Through the service layer: a sample file of the first allowed type for each material."""
    from tongban.cases import service as cases

    for material in cases.spec_of(session, case)["materials"]:
        if material["required"] or not required_only:
            kind = (material.get("formats") or ["pdf"])[0]
            cases.add_material(
                session,
                case=case,
                user=user,
                material_code=material["code"],
                filename=f"m.{kind}",
                data=SAMPLES[kind],
                store=store,
                max_bytes=10**6,
                now=now,
            )
