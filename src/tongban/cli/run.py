"""Running the platform: settings, migrations, the demo, the server and the worker
(top-level ``tongban`` commands)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.progress import Progress, track

from tongban.catalog import service as catalog
from tongban.cli import base
from tongban.cli.catalog import remask_questions
from tongban.cli.sharing import load_demo_population
from tongban.config import Settings, get_settings, settings_markdown
from tongban.db import unit_of_work
from tongban.demo import complaints as demo_complaints
from tongban.demo import experts as demo_experts
from tongban.demo import history as demo_history
from tongban.demo import users as demo
from tongban.logs import uvicorn_log_config
from tongban.migrate import upgrade
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.workdays import service as workdays

app = typer.Typer()


@app.command("settings")
def settings_doc() -> None:
    """Print the settings reference as Markdown (the source of docs/settings.md)."""
    typer.echo(settings_markdown(), nl=False)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic ``upgrade head``), then mask the
    guide assistant's kept questions with this version's masking rules."""
    runtime = base.runtime(schema=False)
    _upgrade(runtime)
    base.console.print("数据库已是最新结构 (database schema is up to date)")


def _upgrade(runtime: Runtime) -> None:
    """Bring the schema up to date, then what a newer version changed in stored data: the
    masking of the assistant's kept questions (a rule added masks what was kept before it)."""
    upgrade(runtime.settings.database_url)
    remask_questions(runtime)


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
    path: base.CatalogPath = Path("catalog"),
    users: Annotated[Path, typer.Option(help="Demo users file")] = Path("demo/users.yaml"),
    case_count: CaseCount = demo_history.DEFAULT_CASES,
) -> None:
    """Load the demo: calendar, catalog, demo accounts, the synthetic population of the shared
    sources and a history of cases (never production). The history is marked simulated:
    no webhook subscription is told of it, and its messages are in the message centre
    as delivered back then, with no e-mail or SMS sent for them."""
    runtime = base.runtime(schema=False)
    if runtime.settings.environment == "production":
        base.console.print("[red]生产环境不能加载演示数据 (no demo data in production)[/red]")
        raise typer.Exit(2)
    _upgrade(runtime)
    entries = yaml.safe_load(users.read_text(encoding="utf-8"))
    accounts = demo.accounts_of(users)  # with the second colleague of each role
    with unit_of_work(runtime.sessions) as session:
        workdays.seed_from_chinesecalendar(session=session)
        report = catalog.load_catalog(session, root=path)
        if report.read and report.read.errors:
            for problem in report.read.errors:
                base.console.print(str(problem), style="red", markup=False)
            raise typer.Exit(1)
        for entry in track(accounts, description="演示账号", console=base.console):
            demo.ensure_user(session, entry)
    base.console.print(
        f"演示数据已加载：{len(report.created) + len(report.unchanged)} 个目录条目, {len(accounts)} 个账号"
    )
    load_demo_population(runtime, entries)
    if case_count:
        _load_history(runtime, case_count)
    with unit_of_work(runtime.sessions) as session:
        added = demo_complaints.load_complaints(session, now=utcnow())
    base.console.print(f"演示诉求：{added} 件 (12345)")
    register = yaml.safe_load((users.parent / "experts.yaml").read_text(encoding="utf-8"))
    with unit_of_work(runtime.sessions) as session:
        added = demo_experts.load_experts(session, entries=register, now=utcnow())
    base.console.print(f"演示专家库：{added} 位专家")


def _load_history(runtime: Runtime, count: int) -> None:
    """The demo case history, with a progress bar; one summary line at the end."""
    with Progress(console=base.console, transient=True) as progress:
        bar = progress.add_task("演示办件", total=count)
        with unit_of_work(runtime.sessions) as session:
            report = demo_history.load_history(
                session,
                store=runtime.store,
                count=count,
                now=utcnow(),
                progress=lambda: progress.advance(bar),
            )
    base.console.print(report.summary())


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

    # the options are the settings TONGBAN_HOST/PORT for this process: the demo's QR codes
    # and every address shown (``Settings.public_address``) carry the port served
    for name, value in (("TONGBAN_HOST", host), ("TONGBAN_PORT", port)):
        if value is not None:
            os.environ[name] = str(value)
    get_settings.cache_clear()
    runtime = base.runtime(schema=False)
    _upgrade(runtime)
    if with_demo:
        demo_load(users=users, case_count=case_count)
    address = f"http://{runtime.settings.host}:{runtime.settings.port}"
    typer.echo(f"\n通办 Tongban 已启动: {address}/   (API: {address}/api/v1/docs)")
    typer.echo(_where_messages_go(runtime.settings))
    if with_demo:
        listed = yaml.safe_load(users.read_text(encoding="utf-8"))
        typer.echo(demo.logins_table(listed, len(demo.accounts_of(users)) - len(listed)))
    uvicorn.run(
        create_app(runtime),
        host=runtime.settings.host,
        port=runtime.settings.port,
        log_level="info",
        log_config=uvicorn_log_config(json=runtime.settings.log_json),
    )


def _where_messages_go(settings: Settings) -> str:
    """The banner's line on notifications: what an operator trying the demo looks for."""
    if settings.smtp_host:
        mail = f"邮件经 {settings.smtp_host}:{settings.smtp_port} 发出"
    else:
        mail = "邮件未配置、不发送 (no e-mail: set TONGBAN_SMTP_HOST, see docs/notifications.md)"
    if settings.sms_provider == "file":
        sms = f"短信写入 {settings.sms_path}"
    else:
        sms = f"短信经 {settings.sms_provider}"
    return f"消息 (notifications): 站内消息中心 /messages；{mail}；{sms}"


@app.command()
def worker(once: Annotated[bool, typer.Option(help="Run one round and exit")] = False) -> None:
    """Run the background worker on its own: sweeps and durable jobs (stop: Ctrl-C or SIGTERM)."""
    import signal
    from contextlib import suppress

    from tongban.worker import EmbeddedWorker, run_once

    runtime = base.runtime()
    if once:
        typer.echo(yaml.safe_dump(run_once(runtime), allow_unicode=True))
        return
    loop = EmbeddedWorker(runtime)
    signal.signal(signal.SIGTERM, lambda *_: loop.stop())
    with suppress(KeyboardInterrupt):
        loop.run()
