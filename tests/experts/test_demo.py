"""The demo register and its panel on an 环评 case (demo/experts.yaml, ``demo.experts``)."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import ROOT, Clock
from tests.experts.conftest import MONDAY, Unit
from tests.factories import act, open_task, submitted
from tongban.cases.models import Case
from tongban.demo import experts as demo
from tongban.experts import service as experts


def test_the_demo_registers_its_experts_once_and_convenes_a_panel_on_an_eia_case(
    client: TestClient, as_user: Any, unit: Unit, clock: Clock
) -> None:
    clock.now = MONDAY
    number = submitted(client, as_user("minfeng"), "3501-ST-001")["number"]
    accept = open_task(client, as_user("st"), number, "accept")
    assert act(client, as_user("st"), accept, "accept").status_code == 200
    entries = yaml.safe_load((ROOT / "demo" / "experts.yaml").read_text(encoding="utf-8"))
    with unit() as session:
        assert demo.load_experts(session, entries=entries, now=MONDAY) == 5
        assert demo.load_experts(session, entries=entries, now=MONDAY) == 0
        case = session.scalars(select(Case).where(Case.number == number)).one()
        panel = experts.open_panel(session, case=case)
        assert panel is not None and panel.field == "environment"
        drawn = {seat.expert.user.username for seat in panel.seats}
        assert len(drawn) == 3 and "zhuanjia5" not in drawn  # works for the applicant
