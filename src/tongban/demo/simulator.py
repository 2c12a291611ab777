"""A month of traffic for a demo database (``tongban simulate``): ``count`` cases over the
last ``days`` days across the catalog, made through the service layer with a simulated
clock on the working-day calendar (each case's own ``CaseClock``: time only moves forward,
never past ``now``), like the demo history but larger and with every channel: corrections
(补正), cases late and overdue, refusals, window intake and window pickup, shared data pulled
into forms, ratings good and bad with their rectifications. Then the reform rows of the
simulated days are written (``supervision.daily``), so the dashboard shows the month.

Unlike the demo history it adds to a database that already has cases. Reproducible: the
same seed, ``now`` and database give the same traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tongban.cases.enums import Channel
from tongban.demo.history import Report, make_world, run_plans
from tongban.demo.plans import plans_for
from tongban.files.store import FileStore
from tongban.supervision import daily

# A city's mix (办事渠道): most online, a fifth at the window, some by kiosk and API.
CHANNELS = (
    (Channel.web,) * 8
    + (Channel.mobile,) * 6
    + (Channel.window,) * 4
    + (Channel.kiosk,)
    + (Channel.api,)
)
BATCH = 200  # cases per flush


def simulate(
    session: Session,
    *,
    store: FileStore,
    days: int,
    count: int,
    seed: int,
    now: datetime,
    tz: ZoneInfo,
    progress: Callable[[], None] | None = None,
) -> Report:
    """Make ``count`` cases over the ``days`` days ending at ``now``, then their reform rows."""
    world = make_world(
        session, store=store, seed=seed, now=now, days=days, channels=CHANNELS, pickup=True
    )
    plans = plans_for(count, world.rng)
    report = Report(created=run_plans(world, [], None).created)
    for start in range(0, len(plans), BATCH):
        done = run_plans(world, plans[start : start + BATCH], progress)
        report.created.update(done.created)
        session.flush()
    today = now.astimezone(tz).date()
    daily.compute_days(session, first=today - timedelta(days=days + 1), last=today, tz=tz, now=now)
    return report
