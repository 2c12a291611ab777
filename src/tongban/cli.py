"""The operator's command line: ``tongban --help``."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress, track
from rich.table import Table

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.passwords import check_new_password
from tongban.accounts.schemas import StaffCreate
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.catalog import service as catalog
from tongban.catalog.loader import read_catalog
from tongban.config import Settings, get_settings, settings_markdown
from tongban.db import unit_of_work
from tongban.demo import history as demo_history
from tongban.demo import users as demo
from tongban.errors import DomainError
from tongban.logs import configure
from tongban.migrate import upgrade
from tongban.models import load_all
from tongban.sharing import service as sharing
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.workdays import service as workdays
from tongban.workdays.errors import CalendarError

app = typer.Typer(
    help="Tongban 通办: online administrative approval platform.", no_args_is_help=True
)
catalog_app = typer.Typer(
    help="Check and load the catalog of items and bundles.", no_args_is_help=True
)
calendar_app = typer.Typer(
    help="The holiday calendar behind working-day limits.", no_args_is_help=True
)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
sharing_app = typer.Typer(
    help="Shared data sources (数据共享): the synthetic population.", no_args_is_help=True
)
app.add_typer(catalog_app, name="catalog")
app.add_typer(calendar_app, name="calendar")
app.add_typer(users_app, name="users")
app.add_typer(sharing_app, name="sharing")
console = Console(stderr=True)
CatalogPath = Annotated[
    Path, typer.Option("--path", help="Catalog folder (departments.yaml, items/, bundles/)")
]


def _settings() -> Settings:
    """The settings, or one line per problem and exit code 2 (never a traceback)."""
    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors():
            where = "TONGBAN_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = str(problem["msg"]).removeprefix("Value error, ")
            console.print(
                f"[red]设置有误 / bad setting:[/red] {where if problem['loc'] else ''} {message}",
                soft_wrap=True,
            )
        raise typer.Exit(2) from None


def _runtime() -> Runtime:
    load_all()  # every domain's tables, so relationships by name resolve
    settings = _settings()
    configure(json=settings.log_json)
    return Runtime.from_settings(settings)


def _fail(error: DomainError) -> None:
    console.print(f"[red]错误：{error.message_zh}[/red] ({error.message_en})")
    for detail in error.details:
        console.print(f"  - {detail.get('message_zh', detail)}")
    raise typer.Exit(2)


@app.command("settings")
def settings_doc() -> None:
    """Print the settings reference as Markdown (the source of docs/settings.md)."""
    typer.echo(settings_markdown(), nl=False)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic ``upgrade head``)."""
    runtime = _runtime()
    upgrade(runtime.settings.database_url)
    console.print("数据库已是最新结构 (database schema is up to date)")


@catalog_app.command("validate")
def catalog_validate(path: CatalogPath = Path("catalog")) -> None:
    """Check every catalog file; exit 1 if any has an error (file, line and field are shown)."""
    read = read_catalog(path)
    for problem in read.problems:
        console.print(str(problem), style="yellow" if problem.warning else "red")
    console.print(
        f"{len(read.items)} 个事项, {len(read.bundles)} 个一件事, {len(read.errors)} 个错误"
    )
    if read.errors:
        raise typer.Exit(1)


@catalog_app.command("load")
def catalog_load(path: CatalogPath = Path("catalog")) -> None:
    """Load the catalog: changed items and bundles become new versions; running cases keep theirs."""
    runtime = _runtime()
    with unit_of_work(runtime.sessions) as session:
        report = catalog.load_catalog(session, root=path)
    assert report.read is not None
    for problem in report.read.problems:
        console.print(str(problem), style="yellow" if problem.warning else "red")
    if report.read.errors:
        console.print("[red]目录有错误，未加载任何内容 (catalog has errors; nothing loaded)[/red]")
        raise typer.Exit(1)
    console.print(
        f"新版本 {len(report.created)}, 未变 {len(report.unchanged)}, 撤下 {len(report.withdrawn)}"
    )


@calendar_app.command("seed")
def calendar_seed() -> None:
    """Record the official calendars the chinesecalendar package knows (idempotent); open
    deadlines are recomputed when a year changed."""
    runtime = _runtime()
    with unit_of_work(runtime.sessions) as session:
        written = workdays.seed_from_chinesecalendar(session=session)
        moves, _ = (
            cases.recompute_open_deadlines(session=session, actor=SYSTEM, now=utcnow())
            if written
            else ([], [])
        )
    moved = len({move.case_number for move in moves})
    console.print(
        f"写入 {written} 个日期 (days written)；{moved} 个办件的期限已移动 (cases re-dated)"
    )


@calendar_app.command("list")
def calendar_list() -> None:
    """Years with an official arrangement; any other year counts provisionally."""
    runtime = _runtime()
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


@calendar_app.command("set-year")
def calendar_set_year(
    file: YearFile,
    source: Annotated[str, typer.Option(help="Where the arrangement was published")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Replace without asking")] = False,
) -> None:
    """Enter a year's complete official arrangement: check it, show which days and open
    deadlines change, ask, then replace and recompute (audited; applicants whose deadline
    moved are told). Exit 2: the file is invalid; exit 1: not confirmed."""
    runtime = _runtime()
    try:
        document = workdays.parse_year_document(_read_text(file))
        with unit_of_work(runtime.sessions) as session:
            preview = cases.preview_calendar_year(
                session=session, year=document.year, days=document.days, source=source
            )
    except DomainError as error:
        _fail(error)
    tz = ZoneInfo(runtime.settings.timezone)
    _show_year_change(preview, tz)
    asked = f"替换 {document.year} 年日历？(replace the {document.year} calendar?)"
    if not yes and not typer.confirm(asked, default=False, err=True):
        console.print("未做任何更改 (nothing changed)")
        raise typer.Exit(1)
    try:
        with unit_of_work(runtime.sessions) as session:
            done = cases.replace_calendar_year(
                session=session,
                year=document.year,
                days=document.days,
                source=source,
                confirm=preview.confirm,
                actor=SYSTEM,
                now=utcnow(),
            )
    except DomainError as error:
        _fail(error)
    console.print(
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


def _show_year_change(change: cases.YearChange, tz: ZoneInfo) -> None:
    """The preview of a year's replacement: days that flip, deadlines that move."""
    was = "暂定（按法定假日推算）" if change.source is None else f"正式：{change.source}"
    console.print(f"{change.year} 年现行日历 (in force)：{was}")
    days = Table(title="日期变化 (days that change)")
    for column in ("日期", "星期", "变为", "名称"):
        days.add_column(column)
    for day in change.day_changes:
        kind = "上班 (working)" if day.is_workday else "放假 (day off)"
        days.add_row(day.day.isoformat(), "一二三四五六日"[day.day.weekday()], kind, day.name)
    console.print(days)
    moves = Table(title="期限变化 (deadlines that move)")
    for column in ("办件编号", "时限", "原期限", "新期限"):
        moves.add_column(column)
    for move in change.moves[:_PREVIEW_ROWS]:
        old, new = (_due_text(moment, move.unit, tz) for moment in (move.old, move.new))
        moves.add_row(move.case_number, _CLOCKS.get(move.clock, move.clock), old, new)
    console.print(moves)
    if len(change.moves) > _PREVIEW_ROWS:
        console.print(f"……另有 {len(change.moves) - _PREVIEW_ROWS} 项 (more)")
    console.print(
        f"{len(change.cases_moved)} 个办件的期限将移动，将通知 {change.messages} 位申请人；"
        f"{len(change.confirmed)} 个办件的暂定期限将转为正式、日期不变（不通知）"
    )


def _due_text(moment: datetime, unit: str, tz: ZoneInfo) -> str:
    # A working-day deadline ends with its last day: show that day, not the next midnight.
    local = moment.astimezone(tz)
    if unit == "hours":
        return f"{local:%Y-%m-%d %H:%M}"
    return (local - timedelta(microseconds=1)).date().isoformat()


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[list[Role], typer.Option(help="Repeat for several roles")],
    department: Annotated[str | None, typer.Option(help="Department code")] = None,
) -> None:
    """Create a staff account (the password must meet TONGBAN_PASSWORD_POLICY)."""
    runtime = _runtime()
    try:
        own = [username, name]
        check_new_password(password, policy=runtime.settings.password_policy, user_inputs=own)
        with unit_of_work(runtime.sessions) as session:
            data = StaffCreate(
                username=username,
                password=password,
                display_name=name,
                department_code=department,
                roles=role,
            )
            accounts.create_staff(session, data=data)
    except DomainError as error:
        _fail(error)
    console.print(f"已创建 {username}")


CaseCount = Annotated[
    int,
    typer.Option(
        "--cases",
        min=0,
        help="Demo cases to create over the last 30 days, in every state (0: none). "
        "Skipped when the database has any case.",
    ),
]


@app.command("demo")
def demo_load(
    path: CatalogPath = Path("catalog"),
    users: Annotated[Path, typer.Option(help="Demo users file")] = Path("demo/users.yaml"),
    case_count: CaseCount = demo_history.DEFAULT_CASES,
) -> None:
    """Load the demo: calendar, catalog, demo accounts and a history of cases (never production)."""
    runtime = _runtime()
    if runtime.settings.environment == "production":
        console.print("[red]生产环境不能加载演示数据 (no demo data in production)[/red]")
        raise typer.Exit(2)
    upgrade(runtime.settings.database_url)
    entries = yaml.safe_load(users.read_text(encoding="utf-8"))
    with unit_of_work(runtime.sessions) as session:
        workdays.seed_from_chinesecalendar(session=session)
        report = catalog.load_catalog(session, root=path)
        if report.read and report.read.errors:
            for problem in report.read.errors:
                console.print(str(problem), style="red")
            raise typer.Exit(1)
        for entry in track(entries, description="演示账号", console=console):
            demo.ensure_user(session, entry)
    console.print(
        f"演示数据已加载：{len(report.created) + len(report.unchanged)} 个目录条目, {len(entries)} 个账号"
    )
    with unit_of_work(runtime.sessions) as session:
        missing = sharing.record_count(session, code="population") == 0
    if missing:
        _load_population(runtime, entries, sharing.DEMO_PEOPLE, sharing.DEMO_ENTERPRISES)
    if case_count:
        _load_history(runtime, case_count)


def _load_population(
    runtime: Runtime,
    accounts: list[dict[str, object]],
    people: int,
    enterprises: int,
    seed: int = sharing.DEMO_SEED,
) -> None:
    """The synthetic people and enterprises of the own-database sources, with a progress bar."""
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("共享数据（人口、企业）", total=people + enterprises)
        with unit_of_work(runtime.sessions) as session:
            counts = sharing.load_synthetic(
                session,
                now=utcnow(),
                accounts=accounts,
                people=people,
                enterprises=enterprises,
                seed=seed,
                progress=lambda: progress.advance(bar),
            )
    summary = ", ".join(f"{code} {count}" for code, count in counts.items())
    console.print(f"共享数据已生成：{summary}")


@sharing_app.command("generate")
def sharing_generate(
    people: Annotated[int, typer.Option(min=1, help="Persons (resident IDs, GB 11643)")] = (
        sharing.DEMO_PEOPLE
    ),
    enterprises: Annotated[
        int, typer.Option(min=1, help="Enterprises (credit codes, GB 32100)")
    ] = sharing.DEMO_ENTERPRISES,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same people")] = (
        sharing.DEMO_SEED
    ),
    users: Annotated[Path, typer.Option(help="Demo users file (put among the people)")] = Path(
        "demo/users.yaml"
    ),
) -> None:
    """Generate the synthetic population of the own-database sources (replaces it; never
    production)."""
    runtime = _runtime()
    if runtime.settings.environment == "production":
        console.print("[red]生产环境不能生成演示数据 (no synthetic data in production)[/red]")
        raise typer.Exit(2)
    upgrade(runtime.settings.database_url)
    entries = yaml.safe_load(users.read_text(encoding="utf-8")) if users.exists() else []
    _load_population(runtime, entries, people, enterprises, seed)


def _load_history(runtime: Runtime, count: int) -> None:
    """The demo case history, with a progress bar; one summary line at the end."""
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("演示办件", total=count)
        with unit_of_work(runtime.sessions) as session:
            report = demo_history.load_history(
                session,
                store=runtime.store,
                count=count,
                now=utcnow(),
                progress=lambda: progress.advance(bar),
            )
    console.print(report.summary())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port")] = None,
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo and print its logins")
    ] = False,
    users: Annotated[Path, typer.Option(help="Demo users file")] = Path("demo/users.yaml"),
    case_count: CaseCount = demo_history.DEFAULT_CASES,
) -> None:
    """Run the web server (and, by default, the background worker inside it)."""
    import uvicorn

    from tongban.app import create_app

    runtime = _runtime()
    upgrade(runtime.settings.database_url)
    if with_demo:
        demo_load(users=users, case_count=case_count)
    address = f"http://{host or runtime.settings.host}:{port or runtime.settings.port}"
    typer.echo(f"\n通办 Tongban 已启动: {address}/   (API: {address}/api/v1/docs)")
    if with_demo:
        typer.echo(demo.logins_table(yaml.safe_load(users.read_text(encoding="utf-8"))))
    uvicorn.run(
        create_app(runtime),
        host=host or runtime.settings.host,
        port=port or runtime.settings.port,
        log_level="info",
    )


@app.command()
def worker(once: Annotated[bool, typer.Option(help="Run one round and exit")] = False) -> None:
    """Run the background worker on its own (deemed acceptance and other due jobs)."""
    from tongban.worker import EmbeddedWorker, run_once

    runtime = _runtime()
    if once:
        typer.echo(yaml.safe_dump(run_once(runtime), allow_unicode=True))
        return
    EmbeddedWorker(runtime)._loop()


if __name__ == "__main__":
    app()
