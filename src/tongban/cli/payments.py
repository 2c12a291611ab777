"""Payments: ``tongban payments reconcile --day 2026-11-29 [--csv FILE]`` reconciles a day's
payments and refunds against the provider's statement (the worker does yesterday by
itself) and prints the counts; ``--csv`` writes every line.

Exit codes: 0 reconciled and everything matched; 1 reconciled with lines to look at
(missing on either side, or amounts that differ); 2 a wrong day or settings that do not
load.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from tongban import timefmt
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.payments import service as payments
from tongban.timeutil import utcnow

app = typer.Typer(help="Payments (网上缴费): the daily reconciliation.", no_args_is_help=True)


@app.command("reconcile")
def reconcile(
    day: Annotated[str | None, typer.Option(help="The day, YYYY-MM-DD; default yesterday")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write every line to this CSV file")] = None,
) -> None:
    """Reconcile DAY against the provider's statement and print what was found."""
    runtime = base.runtime()
    now = utcnow()
    try:
        chosen = date.fromisoformat(day) if day else timefmt.local(now).date() - timedelta(days=1)
    except ValueError:
        base.console.print(f"日期应写成 YYYY-MM-DD，实际为“{day}”")
        raise typer.Exit(2) from None
    with unit_of_work(runtime.sessions) as session:
        row = payments.reconcile(session, day=chosen, now=now, actor=base.OPERATOR)
        counts, text = dict(row.counts), payments.to_csv(row)
    if csv is not None:
        csv.write_text(text, encoding="utf-8")
    base.console.print(
        f"{chosen} {row.provider}：相符 {counts['matched']}，平台缺失 {counts['missing_on_platform']}，"
        f"渠道缺失 {counts['missing_at_provider']}，金额不符 {counts['amount_mismatch']}",
        soft_wrap=True,
    )
    if counts["matched"] != sum(counts.values()):
        raise typer.Exit(1)
