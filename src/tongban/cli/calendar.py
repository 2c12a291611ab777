"""``tongban calendar``: the holiday calendar behind working-day limits; seeding it, and
entering a year's arrangement (``holidays``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from tongban.audit.service import SYSTEM
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.holidays import service as holidays
from tongban.timeutil import utcnow
from tongban.workdays import service as workdays
from tongban.workdays.errors import CalendarError

app = typer.Typer(help="The holiday calendar behind working-day limits.", no_args_is_help=True)


@app.command("seed")
def calendar_seed() -> None:
    """Record the official calendars the chinesecalendar package knows (idempotent); open
    deadlines are recomputed when a year changed."""
    runtime = base.runtime()
    with unit_of_work(runtime.sessions) as session:
        written = workdays.seed_from_chinesecalendar(session=session)
        moves, _ = (
            holidays.recompute_open_deadlines(session=session, actor=SYSTEM, now=utcnow())
            if written
            else ([], [])
        )
    moved = len({move.case_number for move in moves})
    base.console.print(
        f"写入 {written} 个日期 (days written)；{moved} 个办件的期限已移动 (cases re-dated)"
    )


@app.command("list")
def calendar_list() -> None:
    """Years with an official arrangement; any other year counts provisionally."""
    runtime = base.runtime()
    with unit_of_work(runtime.sessions) as session:
        for year in workdays.list_years(session=session):
            typer.echo(f"{year.year}\t{year.status}\t{year.source}")


YearFile = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        help="YAML: year, holidays[{name, days}], workdays[{name, days}]; every statutory "
        "holiday listed",
    ),
]


@app.command("set-year")
def calendar_set_year(
    file: YearFile,
    source: Annotated[str, typer.Option(help="Where the arrangement was published")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Replace without asking")] = False,
) -> None:
    """Enter a year's complete official arrangement: check it, show which days and open
    deadlines change, ask, then replace and recompute (audited; applicants whose deadline
    moved are told). Exit 2: the file is invalid; exit 1: not confirmed."""
    runtime = base.runtime()
    try:
        document = workdays.parse_year_document(_read_text(file))
        with unit_of_work(runtime.sessions) as session:
            preview = holidays.preview_year(
                session=session, year=document.year, days=document.days, source=source
            )
    except DomainError as error:
        base.fail(error)
    tz = ZoneInfo(runtime.settings.timezone)
    _show_year_change(preview, tz)
    asked = f"替换 {document.year} 年日历？(replace the {document.year} calendar?)"
    if not yes and not typer.confirm(asked, default=False, err=True):
        base.console.print("未做任何更改 (nothing changed)")
        raise typer.Exit(1)
    try:
        with unit_of_work(runtime.sessions) as session:
            done = holidays.replace_year(
                session=session,
                year=document.year,
                days=document.days,
                source=source,
                confirm=preview.confirm,
                actor=SYSTEM,
                now=utcnow(),
            )
    except DomainError as error:
        base.fail(error)
    base.console.print(
        f"{done.year} 年已设为正式日历；{len(done.cases_moved)} 个办件的期限已移动，"
        f"已通知 {done.messages} 位申请人 (calendar replaced)"
    )


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarError("文件不是 UTF-8 文本。", "The file is not UTF-8 text.") from exc


_PREVIEW_ROWS = 50
_CLOCKS = {
    "stage": "环节时限",
    "promised": "承诺时限",
    "legal": "法定时限",
    "acceptance": "受理五日",
}


def _show_year_change(change: holidays.YearChange, tz: ZoneInfo) -> None:
    """The preview of a year's replacement: days that flip, deadlines that move."""
    was = "暂定（按法定假日推算）" if change.source is None else f"正式：{change.source}"
    base.console.print(f"{change.year} 年现行日历 (in force)：{was}")
    days = Table(title="日期变化 (days that change)")
    for column in ("日期", "星期", "变为", "名称"):
        days.add_column(column)
    for day in change.day_changes:
        kind = "上班 (working)" if day.is_workday else "放假 (day off)"
        days.add_row(day.day.isoformat(), "一二三四五六日"[day.day.weekday()], kind, day.name)
    base.console.print(days)
    moves = Table(title="期限变化 (deadlines that move)")
    for column in ("办件编号", "时限", "原期限", "新期限"):
        moves.add_column(column)
    for move in change.moves[:_PREVIEW_ROWS]:
        old, new = (_due_text(moment, move.unit, tz) for moment in (move.old, move.new))
        moves.add_row(move.case_number, _CLOCKS.get(move.clock, move.clock), old, new)
    base.console.print(moves)
    if len(change.moves) > _PREVIEW_ROWS:
        base.console.print(f"……另有 {len(change.moves) - _PREVIEW_ROWS} 项 (more)")
    base.console.print(
        f"{len(change.cases_moved)} 个办件的期限将移动，将通知 {change.messages} 位申请人；"
        f"{len(change.confirmed)} 个办件的暂定期限将转为正式、日期不变（不通知）"
    )


def _due_text(moment: datetime, unit: str, tz: ZoneInfo) -> str:
    # A working-day deadline ends with its last day: show that day, not the next midnight.
    local = moment.astimezone(tz)
    if unit == "hours":
        return f"{local:%Y-%m-%d %H:%M}"
    return (local - timedelta(microseconds=1)).date().isoformat()
