"""The operator's command line: ``tongban --help``. One module per command group."""

from __future__ import annotations

import typer

from tongban.cli import (
    audit,
    backup,
    benefits,
    calendar,
    catalog,
    documents,
    experts,
    halls,
    integration,
    jobs,
    keys,
    metrics,
    notify,
    payments,
    retention,
    rules,
    run,
    sharing,
    users,
)
from tongban.licences import cli as licence
from tongban.models import load_all

app = typer.Typer(
    help="Tongban 通办: online administrative approval platform.", no_args_is_help=True
)


@app.callback()
def _every_table() -> None:
    """Every domain's tables and hooks, before any command touches the database (a
    relationship named by another domain's class resolves only when both are loaded)."""
    load_all()


app.add_typer(run.app)
app.add_typer(catalog.app, name="catalog")
app.add_typer(calendar.app, name="calendar")
app.add_typer(users.app, name="users")
app.add_typer(experts.app, name="experts")
app.add_typer(licence.app, name="licence")
app.add_typer(documents.app, name="document")
app.add_typer(sharing.app, name="sharing")
app.add_typer(notify.app, name="notify")
app.add_typer(benefits.app, name="benefits")
app.add_typer(jobs.app, name="jobs")
app.add_typer(audit.app, name="audit")
app.add_typer(rules.app, name="rules")
app.add_typer(keys.app, name="keys")
app.add_typer(halls.app, name="halls")
app.add_typer(retention.app, name="retention")
app.add_typer(backup.app, name="backup")
app.add_typer(integration.clients, name="clients")
app.add_typer(integration.webhooks, name="webhooks")
app.add_typer(payments.app, name="payments")
app.add_typer(metrics.app, name="metrics")
app.command("simulate")(metrics.simulate)

__all__ = ["app"]
