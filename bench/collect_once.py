"""Collect once (数据最多采一次): how much of 企业开办 a registered person no longer types or
uploads.

Loads the demo (with its synthetic population) into a throw-away SQLite file, then applies
for the 企业开办 bundle as 张三 through the JSON API, as a person would: types his premises'
property certificate number, lets the sources fill what they hold, types the rest, uploads
only the materials the submission still asks for, and submits. Prints, from the submitted
case (``sharing.reduction``, the figures the supervision dashboard shows), the form fields
filled from sources and the required materials not uploaded.

    .venv/bin/python bench/collect_once.py
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = "3501-BUNDLE-QYKB"
API = "/api/v1"


def apply(client: Any, headers: dict[str, str], premises: str) -> tuple[str, set[str]]:
    """The draft with the premises typed, saved with every other answer, then submitted
    with only the uploads the refusal asks for; (case number, materials uploaded)."""
    from tongban.demo.samples import PDF, fill_form

    spec = client.get(f"{API}/bundles/{BUNDLE}").json()["definition"]
    typed = {"property_cert_number": premises}
    created = client.post(
        f"{API}/cases", json={"code": BUNDLE, "form_data": typed}, headers=headers
    )
    assert created.status_code == 201, created.text
    number, pulled = created.json()["number"], created.json()["form_data"]
    form = {**fill_form(spec["form"]), **pulled}
    founder = {"name": pulled["applicant_name"], "id_number": pulled["applicant_id_number"]}
    form["shareholders"] = [{**form["shareholders"][0], **founder}]
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    refused = client.post(f"{API}/cases/{number}/submit", headers=headers)
    asked = {d["field"].removeprefix("materials.") for d in refused.json()["error"]["details"]}
    for code in asked:
        files = {"file": (f"{code}.pdf", PDF, "application/pdf")}
        sent = client.post(
            f"{API}/cases/{number}/materials",
            data={"material_code": code},
            files=files,
            headers=headers,
        )
        assert sent.status_code == 201, sent.text
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return number, asked


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TONGBAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["TONGBAN_FILE_STORE_PATH"] = f"{tmp}/files"
        os.environ["TONGBAN_EMBEDDED_WORKER"] = "false"
        os.chdir(ROOT)
        from fastapi.testclient import TestClient

        from tongban.app import create_app
        from tongban.cli.run import demo_load
        from tongban.config import get_settings
        from tongban.sharing import reduction
        from tongban.sharing import service as sharing
        from tongban.web.runtime import Runtime

        users = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
        zhangsan = next(user for user in users if user["username"] == "zhangsan")
        demo_load()
        logging.getLogger("httpx").setLevel(logging.WARNING)
        runtime = Runtime.from_settings(get_settings())
        app = create_app(runtime, start_worker=False)
        with TestClient(app) as client:
            login = {"username": "zhangsan", "password": "demo12345"}
            token = client.post(f"{API}/auth/login", json=login).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            with runtime.sessions() as session:
                estate = sharing.lookup(session, code="real_estate", key=zhangsan["id_number"])
                assert estate.record is not None, "the demo person owns no premises"
                premises = estate.record["property_cert_number"]
            number, _asked = apply(client, headers, premises)
            with runtime.sessions() as session:
                (found,) = reduction.reductions(session, number=number)
    print(f"企业开办 ({BUNDLE}) as a registered person (张三): case {number}")
    print(f"{'':<26}{'in the form':>12}{'not typed':>11}{'share':>8}")
    print(f"{'form fields':<26}{found.fields:>12}{found.pulled:>11}{found.fields_share:>8.0%}")
    spared = found.required - found.uploaded
    print(
        f"{'required materials':<26}{found.required:>12}{spared:>11}{found.materials_share:>8.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
