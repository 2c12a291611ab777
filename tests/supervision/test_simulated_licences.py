"""``tongban simulate``: an approved simulated case's results are e-licences in the licence
library, issued by the live path at the simulated moment, as a real case's are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START, token
from tests.supervision.conftest import TZ
from tongban.accounts.models import User
from tongban.cases.models import Case, ResultDocument
from tongban.catalog.models import CatalogVersion
from tongban.demo import simulator
from tongban.demo.simulator import simulate
from tongban.jobs.models import Job
from tongban.licences import printing
from tongban.licences import service as licences
from tongban.licences.enums import Verdict
from tongban.licences.setup import current
from tongban.web.runtime import Runtime


def test_an_approved_simulated_case_s_results_are_in_its_applicant_s_licences(
    db: Session, client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: a simulated approval left result documents but no e-licence, so a demo
    applicant's 我的证照 was empty of what their month produced. Each result is now a signed
    e-licence dated when the case issued it (not when the simulation ran), listed for the
    applicant, verifiable, and printed by the worker's job like any licence."""
    # several batches: the rows of a batch are given their ids before the live path inserts
    # the results of the one before with the database's own ids
    monkeypatch.setattr(simulator, "BATCH", 50)
    simulate(db, store=runtime.store, days=30, count=120, seed=9, now=START, tz=TZ)
    done = db.scalars(select(Case).where(Case.state == "completed").order_by(Case.id)).all()
    issuing = [c for c in done if _results(db, c)]
    assert issuing
    today = START.astimezone(TZ).date()
    for case in issuing:
        made = licences.list_for_case(db, case_id=case.id)
        assert sorted(x.name for x in made) == sorted(_results(db, case)), case.number
        documents = db.scalars(select(ResultDocument).where(ResultDocument.case_id == case.id))
        numbers = {d.number for d in documents}
        for licence in made:
            assert licence.number in numbers  # the result document names its licence
            assert licence.issued_at <= case.closed_at  # type: ignore[operator]
            assert licence.issued_on == licence.issued_at.astimezone(TZ).date()
    dated = [x for c in issuing for x in licences.list_for_case(db, case_id=c.id)]
    # an enterprise's licences name the enterprise by its credit code, not the person
    # behind the account, as the register's data on a real form makes them
    companies = [
        (x, user)
        for x in dated
        if (user := db.get_one(User, db.get_one(Case, x.case_id).applicant_id)).credit_code
        and db.get_one(Case, x.case_id).form_data.get("credit_code")
    ]
    assert companies
    for licence, user in companies:
        assert (licence.holder_code, licence.holder_name) == (
            user.credit_code,
            user.enterprise_name,
        )
    assert min(x.issued_on for x in dated) < today - timedelta(days=10)
    licence = dated[0]
    found = licences.verify_lookup(
        db, keyring=current().keyring, text=licence.identifier, today=today
    )
    assert found.verdict == Verdict.valid, found.reason_en
    job = db.scalars(
        select(Job).where(
            Job.kind == printing.KIND, Job.payload["licence_id"].as_integer() == licence.id
        )
    ).one()
    assert job.due_at == licence.issued_at
    printing.print_job(db, payload={"licence_id": licence.id}, now=START, store=runtime.store)
    assert runtime.store.get(licence.storage_key).startswith(b"%PDF")
    db.flush()
    case = db.get_one(Case, licence.case_id)
    headers = token(client, db.get_one(User, case.applicant_id).username)
    held = client.get("/api/v1/licences", headers=headers).json()
    assert licence.number in {x["number"] for x in held}
    shown = next(x for x in held if x["number"] == licence.number)
    assert shown["issued_on"] == licence.issued_on.isoformat()


def _results(db: Session, case: Case) -> list[str]:
    spec = db.get_one(CatalogVersion, case.catalog_version_id).definition
    return [i["result"]["name"] for i in spec["items"] if i["result"]["kind"] != "none"]
