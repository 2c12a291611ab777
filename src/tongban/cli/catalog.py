"""``tongban catalog``: check and load the catalog of items and bundles."""

from __future__ import annotations

from pathlib import Path

import typer

from tongban.assistant import unanswered
from tongban.catalog import service as catalog
from tongban.catalog.loader import read_catalog
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.web.runtime import Runtime

app = typer.Typer(help="Check and load the catalog of items and bundles.", no_args_is_help=True)


@app.command("validate")
def catalog_validate(path: base.CatalogPath = Path("catalog")) -> None:
    """Check every catalog file; exit 1 if any has an error (file, line and field are shown)."""
    read = read_catalog(path)
    for problem in read.problems:
        base.console.print(str(problem), style="yellow" if problem.warning else "red", markup=False)
    base.console.print(
        f"{len(read.items)} 个事项, {len(read.bundles)} 个一件事, {len(read.errors)} 个错误"
    )
    if read.errors:
        raise typer.Exit(1)


@app.command("load")
def catalog_load(path: base.CatalogPath = Path("catalog")) -> None:
    """Load the catalog: changed items and bundles become new versions; running cases keep theirs."""
    runtime = base.runtime()
    with unit_of_work(runtime.sessions) as session:
        report = catalog.load_catalog(session, root=path)
    assert report.read is not None
    for problem in report.read.problems:
        base.console.print(str(problem), style="yellow" if problem.warning else "red", markup=False)
    if report.read.errors:
        base.console.print(
            "[red]目录有错误，未加载任何内容 (catalog has errors; nothing loaded)[/red]"
        )
        raise typer.Exit(1)
    base.console.print(
        f"新版本 {len(report.created)}, 未变 {len(report.unchanged)}, 撤下 {len(report.withdrawn)}"
    )
    if report.kept:
        base.console.print(
            "保留管理员修改后的版本 (kept, edited by an administrator since this text was loaded): "
            + ", ".join(report.kept)
        )


def remask_questions(runtime: Runtime) -> None:
    """Mask the guide assistant's kept questions with the masking rules in force, saying how
    many changed (:func:`unanswered.remask`)."""
    with unit_of_work(runtime.sessions) as session:
        changed = unanswered.remask(session)
    if changed:
        base.console.print(
            f"已按现行规则遮盖 {changed} 个未答问题中的个人信息 "
            f"(masked personal data in {changed} kept questions with the rules in force)"
        )


@app.command("remask-questions")
def remask_command() -> None:
    """Mask the phone and ID numbers, e-mail addresses and names in the guide assistant's kept
    questions with the masking rules in force (``tongban migrate`` does it at every upgrade)."""
    remask_questions(base.runtime())
