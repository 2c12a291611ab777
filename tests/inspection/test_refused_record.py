"""The inspection page refusing a record with several wrong checks: each check's own message
beside it, all of them summed up above the form, what was marked and typed kept, nothing
recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.inspection.test_inspection import ACCEPTED, _agree, _order, review
from tests.web.support import SignedIn, check_structure, csrf, field_messages
from tongban.accounts.models import User
from tongban.inspection import service as inspection

__all__ = ["review"]


def test_a_failed_check_without_a_finding_and_an_unmarked_one_are_named_at_each(
    review: dict[str, Any], signed_in: SignedIn, db: Session, clock: Clock
) -> None:
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    _agree(db, found, inspector, ACCEPTED + timedelta(hours=1))
    db.commit()
    clock.now = ACCEPTED + timedelta(days=1)
    failed, unmarked, *passed = found.checklist
    browser = signed_in(inspector.username)
    page = browser.get(f"/inspections/{found.id}").text
    posted = {f"check-{check['code']}": "pass" for check in passed}
    posted |= {f"check-{failed['code']}": "fail", f"note-{passed[0]['code']}": "地面清洁"}
    refused = browser.post(
        f"/inspections/{found.id}/conclude",
        data={"csrf_token": csrf(page), **posted, "result": "failed"},
    )
    assert refused.status_code == 422
    check_structure(refused.text)
    assert field_messages(refused.text) == {
        f"note-{failed['code']}": f"检查项“{failed['text']}”不合格，请写明发现的问题。",
        f"check-{unmarked['code']}": f"请对检查项“{unmarked['text']}”作出合格或不合格的判定。",
    }
    summary = refused.text.split('class="alert form-problems"')[1].split("</div>")[0]
    assert failed["text"] in summary and unmarked["text"] in summary
    assert f'id="fail-{failed["code"]}" name="check-{failed["code"]}" value="fail" checked' in (
        refused.text
    )
    assert ">地面清洁</textarea>" in refused.text
    assert '<option value="failed" selected>' in refused.text
    db.expire_all()
    assert inspection.round_findings(db, found) == []
    assert db.get_one(type(found), found.id).unsigned_result is None
