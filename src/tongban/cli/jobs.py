"""``tongban jobs``: the durable job queue as operators see it."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.cli import base
from tongban.db import reading_session, unit_of_work
from tongban.errors import DomainError
from tongban.jobs import service as jobs
from tongban.jobs.enums import JobState
from tongban.timeutil import utcnow

app = typer.Typer(help="Background jobs: counts, failed jobs, retry.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    state: Annotated[
        JobState | None, typer.Option(help="Only jobs in this state (failed: given up)")
    ] = JobState.failed,
    limit: Annotated[int, typer.Option(help="At most this many rows")] = 50,
) -> None:
    """Count jobs by state, then list them (by default the failed ones, with their error)."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        figures = jobs.counts(session, now=utcnow())
        rows = jobs.list_jobs(session, state=state, limit=limit)
    typer.echo("  ".join(f"{name}={count}" for name, count in figures.items()))
    for job in rows:
        typer.echo(
            f"{job.id}\t{job.kind}\t{job.state}\tdue {job.due_at:%Y-%m-%d %H:%M:%S}Z"
            f"\tattempts {job.attempts}/{job.max_attempts}\t{job.last_error or ''}"
        )


@app.command()
def retry(
    job_id: Annotated[int, typer.Argument(help="Id of the job (from `tongban jobs list`)")],
) -> None:
    """Send a failed job back to the queue, due now, with its attempts counted afresh."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            job = jobs.retry(session, job_id=job_id, now=utcnow())
    except DomainError as error:
        base.fail(error)
        return
    typer.echo(f"{job.id}\t{job.kind}\t{job.state}")
