"""The synthetic population: valid identifiers, Fuzhou division codes, deterministic, the
demo accounts among it with their own data, loaded by a CLI command."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.sharing.conftest import ACCOUNTS, MINFENG_CREDIT, ZHANGSAN_ID
from tongban.cli import app, base, run
from tongban.cli import sharing as sharing_cli
from tongban.identifiers import division, validate_credit_code, validate_resident_id
from tongban.sharing import service as sharing
from tongban.sharing.synthetic import generate
from tongban.sharing.vocabulary import DISTRICTS
from tongban.web.runtime import Runtime


def test_a_thousand_people_and_two_hundred_enterprises_all_valid() -> None:
    pop = generate(people=1000, enterprises=200, seed=7, accounts=ACCOUNTS)
    people = dict(pop.records["population"])
    firms = dict(pop.records["enterprise_register"])
    assert len(people) == 1000 and len(firms) == 200  # keys unique
    for number, person in people.items():
        checked = validate_resident_id(number)
        assert person["division_code"] == number[:6] and number[:4] == "3501"
        assert division(person["division_code"]) is not None
        assert person["gender"] == ("男" if checked.sex == "male" else "女")
        assert person["birth_date"] == checked.birth_date.isoformat()
        assert 2 <= len(person["name"]) <= 4
        assert person["household_address"].startswith("福建省福州市" + person["district"])
    for code, firm in firms.items():
        validate_credit_code(code)
        assert firm["legal_rep_id_number"] in people
        assert people[firm["legal_rep_id_number"]]["name"] == firm["legal_rep_name"]
    assert len({firm["name"] for firm in firms.values()}) == 200
    districts = Counter(person["division_code"] for person in people.values())
    assert set(districts) <= set(DISTRICTS) and len(districts) == len(DISTRICTS)
    spouses = {k: v for k, v in pop.records["marriage_register"] if v["marital_status"] == "已婚"}
    for number, marriage in spouses.items():
        assert spouses[marriage["spouse_id_number"]]["spouse_id_number"] == number


def test_the_same_seed_gives_the_same_people() -> None:
    one = generate(people=50, enterprises=10, seed=3)
    assert one == generate(people=50, enterprises=10, seed=3)
    assert one != generate(people=50, enterprises=10, seed=4)


def test_the_demo_accounts_are_among_them_with_their_own_data() -> None:
    pop = generate(people=30, enterprises=5, seed=1, accounts=ACCOUNTS)
    people = dict(pop.records["population"])
    assert people[ZHANGSAN_ID]["name"] == "张三"
    assert people["350103197109051124"]["name"] == "李四"
    firm = dict(pop.records["enterprise_register"])[MINFENG_CREDIT]
    assert (firm["name"], firm["legal_rep_name"]) == ("福州闽丰餐饮管理有限公司", "王五")


def test_the_cli_generates_and_stores_them(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    monkeypatch.setattr(sharing_cli, "upgrade", lambda url: None)  # the test database is migrated
    monkeypatch.setattr(base.console, "width", 200)  # its width was fixed when first made
    result = CliRunner().invoke(  # one line: the summary is long
        app, ["sharing", "generate", "--people", "40", "--enterprises", "8", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "population 40" in result.output and "enterprise_register 8" in result.output
    assert sharing.record_count(db, code="population") == 40
    assert sharing.lookup(db, code="population", key=ZHANGSAN_ID).record is not None


def test_records_are_stored_and_replaced(db: Session) -> None:
    from tests.conftest import START

    sharing.load_synthetic(db, now=START, people=20, enterprises=4, seed=1)
    counts = sharing.load_synthetic(db, now=START, people=30, enterprises=5, seed=2)
    assert counts["population"] == 30
    assert sharing.record_count(db, code="population") == 30


def test_the_demo_loads_the_population_once(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "runtime", lambda **_: runtime)
    monkeypatch.setattr(run, "upgrade", lambda url: None)  # the test database is migrated
    result = CliRunner().invoke(app, ["demo", "--cases", "0"])
    assert result.exit_code == 0, result.output
    assert "population 1000" in result.output and "enterprise_register 200" in result.output
    person = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert person is not None and person["name"] == "张三"
    again = CliRunner().invoke(app, ["demo", "--cases", "0"])
    assert again.exit_code == 0 and "共享数据已生成" not in again.output
