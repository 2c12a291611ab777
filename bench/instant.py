"""Server-side time of instant approval (秒批): from submit to the signed e-licence.

Loads a throw-away database (SQLite file, or ``--database-url``: PostgreSQL) with the demo
calendar, catalog, accounts and a small synthetic population, then for each of ``--cases``
cases of 3501-SCJG-003 (个体工商户设立登记: an instant item whose result is a 营业执照
e-licence) prepares the draft (not timed) and times the one unit of work a submission is:
``submit_case`` with risk screening, the decision table, acceptance, the decision, the
e-licence (numbered, its record signed: valid and verifiable from the commit), the
notifications queued (outbox), the print job queued, and the commit. Each case is then
checked (valid licence, its print job and the applicant's messages in the database), the
SQL statements of each submission are counted, and the worker's jobs (the licence's PDF
face and PAdES signature, the generated application form) are run and timed apart: they
are not part of the submission. Parts are timed too: screening, the rules (facts and
table), the licence maker, and in the job the PDF and its signature.

With ``--before-src`` (a ``src`` exported from another commit: ``git archive <commit> src |
tar -x -C /tmp/x``) each of ``--rounds`` rounds runs this code and that one, each in its own
process on its own fresh database, one after the other; a line per run (the load average at
its start and end, statements, the submission's CPU and wall time), then the medians per
code over the rounds.

    PYTHONPATH=src .venv/bin/python bench/instant.py [--cases 300] [--database-url URL] \
        [--before-src /tmp/before/src --rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import event, select

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.stages import documents
from tongban.catalog import service as catalog
from tongban.config import Settings
from tongban.db import unit_of_work
from tongban.demo import users as demo
from tongban.demo.samples import attach_materials, fill_form, typed_by_a_person
from tongban.instant import engine, facts
from tongban.jobs.models import Job
from tongban.licences import printing
from tongban.licences import setup as licence_setup
from tongban.licences.models import Licence
from tongban.migrate import upgrade
from tongban.models import load_all
from tongban.outbox.models import OutboxMessage
from tongban.risk import service as risk
from tongban.sharing import service as sharing
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.workdays import service as workdays
from tongban.worker import run_jobs

ROOT = Path(__file__).resolve().parent.parent  # the catalog and demo accounts are read here

ITEM = "3501-SCJG-003"
PARTS: dict[str, list[float]] = defaultdict(list)
STATEMENTS: list[str] = []  # the SQL statements of the submission being timed
COUNTED: list[int] = []  # statements per timed submission


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[name].append(time.perf_counter() - start)

    return wrapper


def instrument() -> None:
    """Time the parts where they are called from (module attributes, not copies)."""
    risk.screen_case = timed("risk screening", risk.screen_case)  # type: ignore[method-assign]
    facts.gather = timed("rules: facts", facts.gather)  # type: ignore[method-assign]
    engine.rules.evaluate = timed("rules: table", engine.rules.evaluate)  # type: ignore[attr-defined]
    documents.LICENCE_MAKERS[-1] = timed("e-licence (all)", documents.LICENCE_MAKERS[-1])
    printing.pdf.render = timed("job: PDF face", printing.pdf.render)  # type: ignore[attr-defined]
    printing.pades.sign_pdf = timed("job: PAdES", printing.pades.sign_pdf)  # type: ignore[attr-defined]


def prepare(runtime: Runtime) -> None:
    url = runtime.settings.database_url
    upgrade(url)
    accounts = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
    with unit_of_work(runtime.sessions) as session:
        workdays.seed_from_chinesecalendar(session=session)
        report = catalog.load_catalog(session, root=ROOT / "catalog")
        assert report.read is not None and not report.read.errors
        for entry in accounts:
            demo.ensure_user(session, entry)
        sharing.load_synthetic(session, now=utcnow(), accounts=accounts, people=200, enterprises=40)


def one_case(runtime: Runtime, index: int) -> tuple[float, str]:
    """Prepare a draft (untimed); the seconds of its submission and the state it ends in."""
    with unit_of_work(runtime.sessions) as session:
        user = session.scalar(select(User).where(User.username == "zhangsan"))
        assert user is not None
        spec = catalog.get_entry(session, code=ITEM).current_version.definition  # type: ignore[union-attr]
        answers = {
            "phone": "13800000001",
            "premises_address": f"福州市鼓楼区东街{index}号",
            "business_scope": "日用百货零售",  # no licence needed first: the rules decide
        }
        form = typed_by_a_person(spec["form"], fill_form(spec["form"], answers))
        case = cases.create_case(session, applicant=user, code=ITEM, form_data=form, now=utcnow())
        attach_materials(session, case=case, user=user, store=runtime.store, now=utcnow())
        case_id = case.id
    STATEMENTS.clear()
    start, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(runtime.sessions) as session:
        user = session.scalar(select(User).where(User.username == "zhangsan"))
        done = cases.submit_case(
            session, case_id=case_id, user=user, now=utcnow(), store=runtime.store
        )  # type: ignore[arg-type]
        state = str(done.state)
    took = time.perf_counter() - start
    PARTS["submit: CPU time of the process"].append(time.process_time() - cpu)
    COUNTED.append(len(STATEMENTS))
    check_committed(runtime, case_id)
    start = time.perf_counter()
    ran = run_jobs(runtime, now=utcnow())
    PARTS["jobs: print and form (own units of work)"].append(time.perf_counter() - start)
    # the licence's face, and the application form the platform generated (申请表)
    kinds = sorted(name.split("#")[0] for name in ran)
    assert kinds == ["application_form.render", "licence.print"], ran
    assert all(name.endswith(":done") for name in ran), ran
    return took, state


def check_committed(runtime: Runtime, case_id: int) -> None:
    """What the submission committed: a valid licence whose PDF is still to print, its
    print job, and messages for the applicant in the outbox."""
    with unit_of_work(runtime.sessions) as session:
        licence = session.scalars(select(Licence).where(Licence.case_id == case_id)).one()
        assert licence.signature and not licence.pdf_ready, licence.number
        key = f"{printing.KIND}:{licence.id}"
        assert session.scalar(select(Job.id).where(Job.key == key)) is not None
        told = select(OutboxMessage.topic).join(
            AuditEntry, AuditEntry.id == OutboxMessage.audit_entry_id
        )
        topics = set(session.scalars(told.where(AuditEntry.case_id == case_id)))
        assert "licence_issued" in topics, topics


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


SIDE_HEADER = (
    f"{'code':>6} {'load':>11} {'stmts':>6} {'cpu med':>8} {'cpu p95':>8} {'cpu p99':>8}"
    f" {'wall med':>9} {'wall p95':>9} {'wall p99':>9}"
)
FIGURES = ("statements", "cpu_median", "cpu_p95", "cpu_p99", "wall_median", "wall_p95", "wall_p99")


def side_line(code: str, load: str, figures: dict[str, float]) -> str:
    """A row under ``SIDE_HEADER``: statements per submission, then ms."""
    times = "".join(
        f" {1000 * figures[name]:>{9 if name.startswith('wall') else 8}.1f}" for name in FIGURES[1:]
    )
    return f"{code:>6} {load:>11} {figures['statements']:>6.0f}{times}"


def side_by_side(args: argparse.Namespace) -> None:
    """Rounds of this code and the one in ``--before-src``, each run a process of its own
    (the figures line it prints last, as JSON); the medians per code over the rounds."""
    here = str(Path(__file__).resolve().parent.parent / "src")
    command = [sys.executable, __file__, "--cases", str(args.cases), "--warmup", str(args.warmup)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    print(SIDE_HEADER, flush=True)
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for _ in range(args.rounds):
        for code, src in (("before", args.before_src), ("after", here)):
            env = dict(os.environ, PYTHONPATH=src)
            start = os.getloadavg()[0]
            done = subprocess.run(
                [*command, "--figures"], env=env, stdout=subprocess.PIPE, text=True, check=True
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            runs[code].append(figures)
            print(side_line(code, f"{start:.1f}-{os.getloadavg()[0]:.1f}", figures), flush=True)
    print("medians over the rounds:")
    for code, rows in runs.items():
        middle = {name: statistics.median(row[name] for row in rows) for name in FIGURES}
        print(side_line(code, "", middle), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--before-src", default="", help="a src folder of another commit")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)  # a child
    args = parser.parse_args()
    if args.before_src:
        side_by_side(args)
        return
    load_all()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        settings = Settings(
            environment="test", database_url=url, file_store_path=Path(folder) / "files"
        )
        runtime = Runtime.from_settings(settings)
        licence_setup.configure(settings)
        prepare(runtime)
        event.listen(
            runtime.engine,
            "before_cursor_execute",
            lambda _conn, _cursor, statement, *_: STATEMENTS.append(statement),
        )
        for index in range(args.warmup):
            one_case(runtime, -index)
        instrument()
        PARTS.clear()
        COUNTED.clear()
        seconds, states = [], defaultdict(int)
        for index in range(args.cases):
            took, state = one_case(runtime, index)
            seconds.append(took)
            states[state] += 1
        runtime.engine.dispose()
    if args.figures:
        figures = {"statements": statistics.median(COUNTED)}
        cpu = PARTS["submit: CPU time of the process"]
        for name, values in (("cpu", cpu), ("wall", seconds)):
            figures[f"{name}_median"] = statistics.median(values)
            figures[f"{name}_p95"] = quantile(values, 0.95)
            figures[f"{name}_p99"] = quantile(values, 0.99)
        print(json.dumps(figures))
        return
    print(f"database: {runtime.engine.dialect.name}; cases: {args.cases}; outcomes: {dict(states)}")
    print(
        f"SQL statements per submission: median {statistics.median(COUNTED):.0f}, max {max(COUNTED)}"
    )
    licence = PARTS["e-licence (all)"]
    rest = [total - made for total, made in zip(seconds, licence, strict=True)]
    rows = [("submit → signed licence", seconds), ("submit without the e-licence", rest)]
    print(f"{'part':40} {'median ms':>10} {'p95 ms':>10} {'p99 ms':>10}")
    rows += list(PARTS.items())
    for name, values in rows:
        median, p95, p99 = statistics.median(values), quantile(values, 0.95), quantile(values, 0.99)
        print(f"{name:40} {1000 * median:10.1f} {1000 * p95:10.1f} {1000 * p99:10.1f}")


if __name__ == "__main__":
    main()
