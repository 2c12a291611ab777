"""Shared data sources (数据共享): ``tongban sharing generate`` makes the synthetic population
of the own-database sources; the demo loads it once through ``load_population``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import Progress

from tongban.cli import base
from tongban.db import unit_of_work
from tongban.demo.users import population_accounts
from tongban.migrate import upgrade
from tongban.sharing import service as sharing
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

app = typer.Typer(
    help="Shared data sources (数据共享): the synthetic population.", no_args_is_help=True
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
