"""Times are shown in the configured zone (``TONGBAN_TIMEZONE``), not a fixed Asia/Shanghai
(issue 8, fault 20): pages, the result PDFs and the API's deadline labels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock, token
from tests.factories import API, act, open_task, submitted
from tests.web.support import ITEM, sign_in
from tongban import timefmt
from tongban.app import create_app
from tongban.web.runtime import Runtime


@pytest.fixture
def utc(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app configured for UTC (pages from its settings, PDFs from the process's)."""
    settings = runtime.settings.model_copy(update={"timezone": "UTC"})
    monkeypatch.setattr(timefmt, "get_settings", lambda: settings)
    app = create_app(dataclasses.replace(runtime, settings=settings), start_worker=False)
    with TestClient(app) as client:
        yield client


def test_pages_show_times_in_the_configured_zone(utc: TestClient) -> None:
    number = submitted(utc, token(utc, "zhangsan"), ITEM)["number"]  # 01:00 UTC
    sign_in(utc, "zhangsan")
    page = utc.get(f"/cases/{number}").text
    assert "2025-09-22 01:00" in page and "2025-09-22 09:00" not in page
    receipt = utc.get(f"/cases/{number}/receipt").text
    assert "2025-09-22 01:00" in receipt


def test_result_documents_are_dated_in_the_configured_zone(utc: TestClient, clock: Clock) -> None:
    rs = token(utc, "rs")
    applicant = token(utc, "zhangsan")
    number = submitted(utc, applicant, ITEM)["number"]
    act(utc, rs, open_task(utc, rs, number, "accept"), "accept")
    clock.advance(hours=16)  # 17:00 UTC on the 22nd: already the 23rd in Fuzhou
    # the item lists 受理 and 审查 only: the results are issued with the review's decision
    response = act(utc, rs, open_task(utc, rs, number, "review"), "review", outcome="approved")
    assert response.status_code == 200, response.text
    licences = utc.get(f"{API}/licences", headers=applicant).json()
    assert [licence["issued_on"] for licence in licences] == ["2025-09-22"]
