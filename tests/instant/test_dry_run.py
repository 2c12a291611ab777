"""The dry run (规则试运行) from the command line: a candidate table against test cases or
against last month's cases, listing the outcomes that would change; exit codes 0, 1, 2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.instant.conftest import ZHANGSAN_ID, apply, set_record
from tongban.cli import app, base
from tongban.web.runtime import Runtime

runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table in one piece: the console's width was fixed when it was first made."""
    monkeypatch.setattr(base.console, "width", 200)


ROOT = Path(__file__).resolve().parents[2]
CGJ = "3501-CGJ-001"
YB = "3501-YB-003"
GOOD = {
    "enterprise_register.status": "存续",
    "credit.dishonest": False,
    "transport.permit_number": "闽交运管许可榕字350100000001号",
}
CASES = {
    "cases": [
        {
            "name": "正常备案",
            "form": {
                "transport_start_date": "2026-12-01",
                "transport_end_date": "2027-01-31",
                "waste_volume_m3": 1200,
            },
            "shared": GOOD,
            "expect": "approve",
            "today": "2026-11-30",
        },
        {
            "name": "失信企业",
            "form": {
                "transport_start_date": "2026-12-01",
                "transport_end_date": "2027-01-31",
                "waste_volume_m3": 1200,
            },
            "shared": {**GOOD, "credit.dishonest": True},
            "expect": "refuse",
            "today": "2026-11-30",
        },
    ]
}


@pytest.fixture(autouse=True)
def _cli_on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Iterator[None]:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    yield
    structlog.reset_defaults()


def _table(code: str, change=None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    item = yaml.safe_load((ROOT / "catalog" / "items" / f"{code}.yaml").read_text("utf-8"))
    table = item["decision"]
    if change:
        change(table)
    return {"decision": table}


def _write(path: Path, data: object) -> str:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_published_table_meets_the_expected_outcomes_exit_0(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["rules", "dry-run", CGJ, "--cases", _write(tmp_path / "c.yaml", CASES)]
    )
    assert result.exit_code == 0, result.output
    assert "2 件，结论改变 0 件，与预期不符 0 件" in result.output


def test_a_stricter_candidate_lists_the_case_it_would_change_exit_1(tmp_path: Path) -> None:
    def stricter(table: dict) -> None:  # type: ignore[type-arg]
        table["rules"][7]["when"]["waste_volume_m3"] = {"gt": 1000}

    candidate = _write(tmp_path / "t.yaml", _table(CGJ, stricter))
    cases = _write(tmp_path / "c.yaml", CASES)
    result = runner.invoke(app, ["rules", "dry-run", CGJ, "--table", candidate, "--cases", cases])
    assert result.exit_code == 1, result.output
    assert "结论改变 1 件，与预期不符 1 件" in result.output
    assert "正常备案" in result.output and "转人工" in result.output


def test_last_months_cases_are_run_again_on_the_facts_they_were_decided_on(
    tmp_path: Path,
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, {"status": "正常参保"})
    filing = {
        "destination_province": "广东省",
        "destination_city": "深圳市",
        "filing_type": "异地长期居住人员",
        "filing_start_date": "2025-09-25",
    }
    approved = apply(client, as_user("zhangsan"), YB, filing)
    assert approved["state"] == "completed"
    set_record(db, "social_insurance", ZHANGSAN_ID, None)  # the register changed since

    def guangdong_out(table: dict) -> None:  # type: ignore[type-arg]
        table["rules"][0]["when"]["destination_province"] = ["福建省", "广东省"]

    same = runner.invoke(app, ["rules", "dry-run", YB, "--since", "30d"])
    assert same.exit_code == 0, same.output  # the stored facts, not today's register
    candidate = _write(tmp_path / "t.yaml", _table(YB, guangdong_out))
    result = runner.invoke(app, ["rules", "dry-run", YB, "--table", candidate, "--since", "30d"])
    assert result.exit_code == 1, result.output
    assert approved["number"] in result.output and "不予许可" in result.output
    assert "completed" in result.output


def test_a_wrong_table_or_wrong_options_end_with_exit_2(tmp_path: Path) -> None:
    def broken(table: dict) -> None:  # type: ignore[type-arg]
        table["inputs"].append({"field": "no_such_field"})

    candidate = _write(tmp_path / "t.yaml", _table(CGJ, broken))
    cases = _write(tmp_path / "c.yaml", CASES)
    result = runner.invoke(app, ["rules", "dry-run", CGJ, "--table", candidate, "--cases", cases])
    assert result.exit_code == 2 and "no_such_field" in result.output
    assert runner.invoke(app, ["rules", "dry-run", CGJ]).exit_code == 2
    assert runner.invoke(app, ["rules", "dry-run", CGJ, "--since", "a month"]).exit_code == 2
    help_text = runner.invoke(app, ["rules", "dry-run", "--help"]).output
    assert "--cases" in help_text and "--since" in help_text


def test_the_help_says_what_a_dry_run_does_and_what_each_exit_code_means(
    tmp_path: Path,
) -> None:
    """--help said only "Show which outcomes a decision table would change"; a refused
    table listed its problems in Chinese only."""
    help_text = " ".join(runner.invoke(app, ["rules", "dry-run", "--help"]).output.split())
    assert "Nothing is stored or published" in help_text
    assert "0 no outcome would change, and every expected outcome holds" in help_text
    assert "1 some outcome would change, or differs from its expect:" in help_text
    assert "2 the table, the file or the options are wrong" in help_text

    def broken(table: dict) -> None:  # type: ignore[type-arg]
        table["inputs"].append({"field": "no_such_field"})

    candidate = _write(tmp_path / "t.yaml", _table(CGJ, broken))
    cases = _write(tmp_path / "c.yaml", CASES)
    result = runner.invoke(app, ["rules", "dry-run", CGJ, "--table", candidate, "--cases", cases])
    assert "The input column no_such_field is neither a form field" in result.output
    both = runner.invoke(app, ["rules", "dry-run", CGJ, "--cases", cases, "--since", "30d"])
    assert both.exit_code == 2 and "Give either --cases FILE or --since DAYS" in both.output


def test_rules_export_and_import_round_trip_through_dmn(tmp_path: Path) -> None:
    dmn_file = tmp_path / "cgj.dmn"
    exported = runner.invoke(app, ["rules", "export", CGJ, "--out", str(dmn_file)])
    assert exported.exit_code == 0, exported.output
    assert b"https://www.omg.org/spec/DMN/20191111/MODEL/" in dmn_file.read_bytes()
    back = tmp_path / "back.yaml"
    imported = runner.invoke(app, ["rules", "import", CGJ, str(dmn_file), "--out", str(back)])
    assert imported.exit_code == 0, imported.output
    from tongban.rules.dmn import normal

    table = yaml.safe_load(back.read_text("utf-8"))["decision"]
    assert normal(table) == normal(_table(CGJ)["decision"])
    cases = _write(tmp_path / "c.yaml", CASES)
    same = runner.invoke(app, ["rules", "dry-run", CGJ, "--table", str(dmn_file), "--cases", cases])
    assert same.exit_code == 0, same.output  # the DMN table decides as the published one


def test_a_dmn_file_naming_an_unknown_field_is_refused_with_exit_2(tmp_path: Path) -> None:
    dmn_file = tmp_path / "cgj.dmn"
    runner.invoke(app, ["rules", "export", CGJ, "--out", str(dmn_file)])
    text = dmn_file.read_text("utf-8").replace(
        "<text>waste_volume_m3</text>", "<text>waste_volume_t</text>", 1
    )
    dmn_file.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["rules", "import", CGJ, str(dmn_file)])
    assert result.exit_code == 2, result.output
    assert "DMN 文件未导入" in result.output and "waste_volume_t" in result.output
    broken = runner.invoke(app, ["rules", "import", CGJ, str(tmp_path / "missing.dmn")])
    assert broken.exit_code == 2 and "无法读取" in broken.output
