"""What an operator sees from the command line: help for every command, and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import Clock
from tests.factories import act, open_task, submitted
from tests.workdays.support import YEAR_2027
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.cli import app, base, run
from tongban.config import Settings, get_settings
from tongban.integration import webhooks
from tongban.integration.models import WebhookDelivery
from tongban.web.runtime import Runtime
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.models import CalendarDay, CalendarYear

runner = CliRunner()


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    """A command configures structlog to print to the runner's stream, closed afterwards;
    later tests that log would fail with "I/O operation on closed file"."""
    yield
    structlog.reset_defaults()


RADIATION = "3501-WJW-002"  # 放射工作人员证核发: legal 20 working days


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "demo", "worker", "catalog", "calendar", "users"):
        assert command in result.output


def test_demo_help_explains_the_case_history() -> None:
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "--cases" in result.output


def test_demo_refuses_a_production_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TONGBAN_ENVIRONMENT", "production")
    monkeypatch.setenv("TONGBAN_SECRET_KEY", "a-real-secret-of-enough-length-0123456789")
    monkeypatch.setenv("TONGBAN_DATA_KEY", "a-real-master-key-of-enough-length-0123456789")
    monkeypatch.setenv("TONGBAN_LOOKUP_KEY", "a-real-lookup-key-of-enough-length-0123456789")
    monkeypatch.setenv("TONGBAN_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.delenv("TONGBAN_PASSWORD_HASHING")  # the suite's cheap hashing: not in production
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["demo"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "生产环境不能加载演示数据" in result.output


@pytest.mark.parametrize("secret", [None, "x", "dev-only-secret-change-me"])
def test_production_refuses_a_weak_secret_in_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret: str | None
) -> None:
    monkeypatch.setenv("TONGBAN_ENVIRONMENT", "production")
    monkeypatch.setenv("TONGBAN_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    if secret is None:
        monkeypatch.delenv("TONGBAN_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("TONGBAN_SECRET_KEY", secret)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TONGBAN_SECRET_KEY" in result.output and "32" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["simulate", "--cases", "1"], ["worker", "--once"]])
def test_a_command_on_a_database_never_migrated_says_what_to_run_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    """Not a traceback about a missing table, and no empty database file left behind."""
    database = tmp_path / "new.sqlite3"
    monkeypatch.setenv("TONGBAN_DATABASE_URL", f"sqlite:///{database}")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, command)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "tongban migrate" in result.output and "Traceback" not in result.output
    assert not database.exists()


def test_the_start_banner_says_where_mail_and_sms_go(tmp_path: Path) -> None:
    """Someone trying the demo looks for the mail it sends: the banner says none is sent
    until SMTP is set, and which file the SMS are written to."""
    quiet = Settings(environment="test", file_store_path=tmp_path / "files")
    line = run._where_messages_go(quiet)
    assert "TONGBAN_SMTP_HOST" in line and str(tmp_path / "sms.jsonl") in line
    mailing = Settings(environment="test", smtp_host="127.0.0.1", smtp_port=8025)
    assert "127.0.0.1:8025" in run._where_messages_go(mailing)


# -- the holiday calendar -------------------------------------------------------------


@pytest.fixture
def year_file(tmp_path: Path) -> Path:
    path = tmp_path / "2027.yaml"
    path.write_text(YEAR_2027, encoding="utf-8")
    return path


@pytest.fixture
def on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Runtime:
    """The CLI works on the test's database (its transaction is rolled back afterwards)."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    return runtime


def _set_year(path: Path, *extra: str, answer: str | None = None) -> Result:
    command = ["calendar", "set-year", str(path), "--source", "国办发明电〔2026〕X号", *extra]
    return runner.invoke(app, command, input=answer)


def _official(db: Session, year: int) -> bool:
    db.expire_all()
    row = db.get(CalendarYear, year)
    return row is not None and row.status == CalendarYearStatus.official


def test_set_year_refuses_an_incomplete_file_with_exit_code_2(
    on_test_database: Runtime, tmp_path: Path, db: Session
) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text("year: 2027\nholidays: [{name: 元旦, days: [2027-01-01]}]\n", "utf-8")
    result = _set_year(path, "--yes")
    assert result.exit_code == 2
    assert "缺少春节法定假日 2027-02-06（正月初一）" in result.output
    assert "缺少国庆节法定假日 2027-10-01（10月1日）" in result.output
    assert not _official(db, 2027)


def test_set_year_shows_the_preview_and_changes_nothing_when_declined(
    on_test_database: Runtime,
    year_file: Path,
    client: TestClient,
    as_user: Any,
    clock: Clock,
    db: Session,
) -> None:
    clock.now = datetime(2027, 1, 25, 1, 0, tzinfo=UTC)  # Monday 2027-01-25 09:00
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    result = _set_year(year_file, answer="n\n")
    assert result.exit_code == 1, result.output
    assert "日期变化" in result.output and "2027-02-09" in result.output
    assert "期限变化" in result.output and number in result.output
    assert "未做任何更改" in result.output
    assert not _official(db, 2027)


def test_set_year_replaces_the_year_when_confirmed(
    on_test_database: Runtime, year_file: Path, db: Session
) -> None:
    result = _set_year(year_file, answer="y\n")
    assert result.exit_code == 0, result.output
    assert "2027 年已设为正式日历" in result.output
    assert _official(db, 2027)
    listed = runner.invoke(app, ["calendar", "list"])
    assert "2027\tofficial\t国办发明电〔2026〕X号" in listed.output


def test_set_year_with_yes_does_not_ask(on_test_database: Runtime, year_file: Path) -> None:
    result = _set_year(year_file, "--yes")
    assert result.exit_code == 0, result.output
    assert "替换 2027 年日历？" not in result.output


def test_seed_recomputes_the_deadlines_of_a_year_it_changes(
    on_test_database: Runtime, client: TestClient, as_user: Any, db: Session
) -> None:
    # As if an older package had missed 8 October 2025 (a holiday of the National Day week).
    db.delete(db.get(CalendarDay, date(2025, 10, 8)))
    db.get(CalendarYear, 2025).updated_at = datetime.now(UTC)  # type: ignore[union-attr]
    db.commit()
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200

    result = runner.invoke(app, ["calendar", "seed"])

    assert result.exit_code == 0, result.output
    assert "写入 1 个日期" in result.output and "1 个办件的期限已移动" in result.output
    db.expire_all()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.deadline_recomputed"))
    assert entry is not None and entry.object_id == number


def test_metrics_rebuild_writes_every_day_since_the_first_case(
    on_test_database: Runtime, client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    from tongban.supervision.models import MetricDay

    submitted(client, as_user("zhangsan"), RADIATION)
    clock.advance(days=12)
    submitted(client, as_user("zhangsan"), RADIATION)
    db.commit()

    result = runner.invoke(app, ["metrics", "rebuild"])

    assert result.exit_code == 0, result.output
    db.expire_all()
    days = sorted(set(db.scalars(select(MetricDay.day))))
    assert len(days) == 2 and (days[1] - days[0]).days >= 12, days
    assert "rebuilt" in result.output


def test_catalog_validate_shows_the_ways_it_names(tmp_path: Path) -> None:
    """A problem's text is printed as written: "[upload]" is data, not console markup (the
    trial saw "获取方式  中" with the ways swallowed)."""
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(Path(__file__).parents[1] / "catalog", catalog)
    item = catalog / "items" / "3501-CGJ-001.yaml"
    text = item.read_text(encoding="utf-8")
    item.write_text(
        text.replace("  name: 营业执照\n", "  name: 营业执照\n  note: 无需上传\n", 1).replace(
            "ways: [licence, shared, upload]", "ways: [upload]", 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["catalog", "validate", "--path", str(catalog)])
    assert result.exit_code == 1
    assert "获取方式 [upload] 中" in result.output


def test_simulate_says_webhook_subscriptions_are_not_told_of_the_simulated_cases(
    on_test_database: Runtime, db: Session, clock: Clock
) -> None:
    """An operator running the simulator on a database with webhook subscriptions learns
    before it runs that their systems will not receive the simulated month (nor do they)."""
    help_text = runner.invoke(app, ["simulate", "--help"]).output
    assert "simulated" in help_text and "webhook" in help_text
    webhooks.subscribe(
        db,
        department_code="MZ",
        url="https://mz.example.gov.cn/events",
        events=list(webhooks.EVENTS),
        actor=audit.SYSTEM,
        now=clock.now,
    )
    db.commit()
    result = runner.invoke(app, ["simulate", "--cases", "5", "--days", "5"])
    assert result.exit_code == 0, result.output
    assert "1 个事件推送订阅不会收到模拟办件的事件" in result.output
    assert not db.scalars(select(WebhookDelivery)).all()
