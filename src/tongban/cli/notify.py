"""``tongban notify …``: the operators' view of notifications: list the e-mails and SMS
that spent every attempt (``failed``), send one again (``retry``), run one round of
delivery now (``send``)."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.notifications import service as notifications
from tongban.timeutil import utcnow

app = typer.Typer(
    help="Notifications (消息通知): failed messages, retry, deliver now.", no_args_is_help=True
)


@app.command("failed")
def failed() -> None:
    """List the messages that could not be sent, one per line: id, channel, address,
    attempts, topic and case, last error. Exit status 1 when there is any."""
    runtime = base.runtime()
    with unit_of_work(runtime.sessions) as session:
        rows = notifications.failed_messages(session)
        for row in rows:
            m = row.message
            typer.echo(
                f"{m.id}\t{m.channel}\t{m.address or ''}\t{m.attempts}\t{row.title}\t"
                f"{m.last_error or ''}"
            )
    if not rows:
        base.console.print("没有发送失败的消息 / no failed messages")
    raise typer.Exit(1 if rows else 0)


@app.command("retry")
def retry(
    message_id: Annotated[int, typer.Argument(help="Id from `tongban notify failed`")],
) -> None:
    """Send a failed message again on the worker's next round."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            notifications.retry(session, message_id=message_id, now=utcnow())
    except DomainError as error:
        base.fail(error)
    base.console.print(f"消息 {message_id} 将重新发送 / will be sent again")


@app.command("send")
def send() -> None:
    """Deliver what is due now, backlog included (the worker does it every round)."""
    runtime = base.runtime()
    sent = notifications.deliver_backlog(runtime.sessions, now=utcnow(), settings=runtime.settings)
    base.console.print(f"已发送 {len(sent)} 条 / sent {len(sent)}")
