"""``tongban rules``: the decision tables of instant approval (秒批).

``tongban rules dry-run ITEM`` runs a candidate table (``--table``, default the published
one) against test cases (``--cases FILE.yaml``) or the item's cases of the last days
(``--since 30d``) and lists every case whose outcome would change. Exit codes: 0 nothing
changes and every expectation holds; 1 some outcome changes or an expectation fails; 2 the
table, the file or the options are wrong.

``tongban rules export ITEM`` writes the published table as a DMN 1.3 decision table
(XML); ``tongban rules import ITEM FILE.dmn`` checks a DMN file as the catalog loader checks
a table and writes it as the item YAML's ``decision:`` (to dry-run, then put in the
catalog). Exit codes: 0 done; 2 a bad file, listing where and what to fix.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import Progress
from rich.table import Table

from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.instant import dryrun, exchange
from tongban.timeutil import utcnow

app = typer.Typer(help="Decision tables of instant approval (秒批规则).", no_args_is_help=True)
OUTCOME_ZH = {"approve": "准予", "refuse": "不予许可", "to_person": "转人工"}


def _days(text: str) -> int:
    found = re.fullmatch(r"([0-9]{1,4})d", text.strip())
    if found is None:
        base.console.print(
            f"[red]--since 须写成天数，如 30d（现为 {text}）[/red] "
            f"(--since is a number of days, such as 30d; it is {text})"
        )
        raise typer.Exit(2)
    return int(found.group(1))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        base.console.print(f"[red]无法读取 {path}：{error}[/red] (cannot read {path})")
        raise typer.Exit(2) from None


def _show(trials: list[dryrun.Trial]) -> None:
    table = Table(title="规则试运行 / dry run")
    for heading in (
        "办件/用例 case",
        "现行规则 published",
        "新规则 candidate",
        "命中行 row",
        "理由 reason",
        "实际/预期 actual/expected",
    ):
        table.add_column(heading)
    for trial in trials:
        before = OUTCOME_ZH[trial.before.outcome] if trial.before else "—"
        after = OUTCOME_ZH[trial.after.outcome]
        mark = "[yellow]" if trial.changed else ""
        seen = trial.actual or (OUTCOME_ZH[trial.expect] if trial.expect else "—")
        if trial.unexpected:
            seen = f"[red]{seen}（不符）[/red]"
        table.add_row(
            trial.label,
            before,
            f"{mark}{after}",
            str(trial.after.row or "—"),
            trial.after.reason,
            seen,
        )
    base.console.print(table)


@app.command("dry-run")
def dry_run(
    item: Annotated[str, typer.Argument(help="Item code, e.g. 3501-CGJ-001")],
    table: Annotated[
        Path | None,
        typer.Option(
            help="YAML (or .dmn) of the candidate table (or of the whole item); default: published"
        ),
    ] = None,
    cases: Annotated[Path | None, typer.Option(help="YAML file of test cases")] = None,
    since: Annotated[
        str | None, typer.Option(help="The item's cases of the last days, e.g. 30d")
    ] = None,
) -> None:
    """Try a decision table before it is published, changing nothing: run the candidate
    table (--table; default: the published one) and the published table on test cases
    (--cases FILE.yaml, each with an optional expect:) or on the item's cases of the last
    days (--since 30d), and list every case with both outcomes, marking those that would
    change. Nothing is stored or published.

    Exit codes:
    0  no outcome would change, and every expected outcome holds;
    1  some outcome would change, or differs from its expect:;
    2  the table, the file or the options are wrong (nothing was run)."""
    if (cases is None) == (since is None):
        base.console.print(
            "[red]请给出 --cases 文件或 --since 天数，二者选一。[/red] "
            "(Give either --cases FILE or --since DAYS, not both.)"
        )
        raise typer.Exit(2)
    runtime = base.runtime()
    now = runtime.clock() if runtime.clock else utcnow()
    try:
        with unit_of_work(runtime.sessions) as session:
            spec = dryrun.published_item(session, code=item)
            candidate: dict[str, Any] | None = None
            if table is not None and table.suffix.lower() in (".dmn", ".xml"):
                candidate = exchange.import_item(session, code=item, data=_read(table).encode())
            else:
                text = _read(table) if table else None
                candidate = dryrun.candidate_table(session, item=spec, text=text) if text else None
            candidate = candidate or spec.get("decision")
            if candidate is None:
                base.console.print(
                    f"[red]{item} 没有规则表；请用 --table 给出。[/red] "
                    f"({item} has no decision table; give one with --table.)"
                )
                raise typer.Exit(2)
            if cases is not None:
                trials = dryrun.run_file(
                    session, item=spec, table=candidate, text=_read(cases), now=now
                )
            else:
                with Progress(console=base.console, transient=True) as progress:
                    bar = progress.add_task("试运行", total=None)
                    trials = dryrun.run_since(
                        session,
                        item=spec,
                        table=candidate,
                        since=now - timedelta(days=_days(since or "")),
                        now=now,
                        progress=lambda done, total: progress.update(
                            bar, completed=done, total=total
                        ),
                    )
    except DomainError as error:
        base.fail(error)
    _show(trials)
    changed = sum(trial.changed for trial in trials)
    unexpected = sum(trial.unexpected for trial in trials)
    base.console.print(
        f"{len(trials)} 件，结论改变 {changed} 件，与预期不符 {unexpected} 件 "
        f"({len(trials)} cases run; {changed} would change outcome; {unexpected} differ "
        "from what was expected)"
    )
    if changed or unexpected:
        raise typer.Exit(1)


@app.command("export")
def export(
    item: Annotated[str, typer.Argument(help="Item code, e.g. 3501-CGJ-001")],
    out: Annotated[
        Path | None, typer.Option(help="File to write; default: standard output")
    ] = None,
) -> None:
    """Write the item's published decision table as DMN 1.3 XML."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            data = exchange.export_item(session, code=item)
    except DomainError as error:
        base.fail(error)
    if out is None:
        typer.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        base.console.print(f"已导出 {item} 的规则表：{out}")


@app.command("import")
def import_(
    item: Annotated[str, typer.Argument(help="Item code, e.g. 3501-CGJ-001")],
    file: Annotated[Path, typer.Argument(help="DMN 1.3 file (.dmn)")],
    out: Annotated[
        Path | None, typer.Option(help="YAML file to write (decision:); default: standard output")
    ] = None,
) -> None:
    """Check a DMN 1.3 decision table against the item and write it as catalog YAML."""
    try:
        data = file.read_bytes()
    except OSError as error:
        base.console.print(f"[red]无法读取 {file}：{error}[/red]")
        raise typer.Exit(2) from None
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            table = exchange.import_item(session, code=item, data=data)
    except DomainError as error:
        base.fail(error)
    text = yaml.safe_dump({"decision": table}, allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        base.console.print(f"已导入并检查：{out}（请先 dry-run，再写入事项目录）")
