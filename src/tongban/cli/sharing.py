"""Shared data sources (数据共享): ``tongban sharing sources`` shows the source registry with
each source's state; ``tongban sharing generate`` makes the synthetic population of the
own-database sources; the demo loads it once through ``load_population``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import Progress
from rich.table import Table

from tongban import timefmt
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.demo.users import population_accounts
from tongban.migrate import upgrade
from tongban.sharing import service as sharing
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

app = typer.Typer(
    help="Shared data sources (数据共享): the registry and its state, the synthetic population.",
    no_args_is_help=True,
)


def load_population(
    runtime: Runtime,
    accounts: list[dict[str, Any]],
    people: int,
    enterprises: int,
    seed: int = sharing.DEMO_SEED,
) -> None:
    """The synthetic people and enterprises of the own-database sources (the demo accounts
    and the demo history's applicants among them), with a progress bar."""
    accounts = population_accounts(accounts)
    with Progress(console=base.console, transient=True) as progress:
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
    base.console.print(f"共享数据已生成：{summary}")


def load_demo_population(runtime: Runtime, accounts: list[dict[str, Any]]) -> None:
    """The demo's population, unless the database already holds one (the demo loads twice
    without replacing what pulls and profiles refer to)."""
    with unit_of_work(runtime.sessions) as session:
        missing = sharing.record_count(session, code="population") == 0
    if missing:
        load_population(runtime, accounts, sharing.DEMO_PEOPLE, sharing.DEMO_ENTERPRISES)


@app.command("generate")
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
    runtime = base.runtime()
    if runtime.settings.environment == "production":
        base.console.print("[red]生产环境不能生成演示数据 (no synthetic data in production)[/red]")
        raise typer.Exit(2)
    upgrade(runtime.settings.database_url)
    entries = yaml.safe_load(users.read_text(encoding="utf-8")) if users.exists() else []
    load_population(runtime, entries, people, enterprises, seed)


STATES_ZH = {
    "up": "可用 up",
    "timeout": "超时 timeout",
    "unreachable": "无法连接 unreachable",
    "server_error": "服务出错 server_error",
    "bad_answer": "应答无效 bad_answer",
}


def _state(source: sharing.SourceState) -> str:
    if source.records is not None:
        if source.records == 0:
            return "[yellow]无记录 (no records)[/yellow]"
        return f"{source.records} 条记录 (records)"
    if source.probe is None:
        return "未探测 (not probed: --probe)"
    colour = "green" if source.probe == "up" else "red"
    return f"[{colour}]{STATES_ZH.get(source.probe, source.probe)}[/{colour}]"


@app.command("sources")
def sharing_sources(
    probe: Annotated[
        bool, typer.Option("--probe", help="Ask each department service now (HTTP sources)")
    ] = False,
) -> None:
    """The source registry (共享数据源目录): each source's owner, lookup key, connector and
    state; exit code 1 when a probed department service is down."""
    runtime = base.runtime()
    with unit_of_work(runtime.sessions) as session:
        now = runtime.clock() if runtime.clock else utcnow()
        states = sharing.source_states(session, now=now, probe=probe)
    table = Table(title="共享数据源 (shared data sources)")
    for column in ("代码 code", "名称 name", "部门 dept", "查询键 key", "接入 connector"):
        table.add_column(column)
    for column in ("状态 state", "最近查询 last lookup", "24小时内不可用 unavailable 24 h"):
        table.add_column(column)
    for source in states:
        table.add_row(
            source.code,
            f"{source.name}\n{source.name_en}",
            source.department,
            source.key,
            source.url or source.kind,
            _state(source),
            timefmt.moment(source.last_lookup) or "—",
            str(source.unavailable_recently),
        )
    base.print_whole(table)
    if any(source.probe not in (None, "up") for source in states):
        raise typer.Exit(1)
