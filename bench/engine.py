"""Benchmark 1, the engine side by side: Tongban's service layer and SpiffWorkflow on the
same process shape, alternating in one process, each step committed.

Tongban: a case of 3501-CGJ-904 (a bench copy of 临时占用城市道路审批 reviewed by four
departments in parallel: 城管, 公安, 交通, 住建) through the service layer as the web
layer calls it: create, submit, accept (fan-out into 4 review tasks), 4 reviews (the
join is the last one's), approve (核准, a person: SpiffWorkflow's decision is a script),
issue (the result's record; online delivery closes the case): 9 committed transactions,
audit entries, clocks and their watch jobs included. SpiffWorkflow: the reference
process (bench/reference/item_parallel_4.bpmn), its whole state written after each of
its 6 steps (bench/engine_spiff.py). Document rendering (the generated application
form, the result PDF) is the worker's job after the commit, so it is in neither; it is
timed on its own.

    PYTHONPATH=src .venv/bin/python bench/engine.py [--cases 40] [--rounds 5]
        [--database-url postgresql+psycopg://…] [--profile]

Prints cases/s of each per round, the medians and their ratio, the small-transaction
bound of this machine's SQLite and how far Tongban is from it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CODE = "3501-CGJ-904"
REVIEWERS = {"CGJ": "cgj", "GA": "ga", "JT": "jt", "ZJ": "zj"}
USERS = ("zhangsan", "cgj", "cgj-hz", "ga", "jt", "zj")
NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
TRANSACTIONS_PER_CASE = 9


def bench_catalog(into: Path) -> Path:
    """The demo catalog plus the four-department item (a copy of 3501-CGJ-003)."""
    shutil.copytree(ROOT / "catalog", into)
    item = yaml.safe_load((ROOT / "catalog/items/3501-CGJ-003.yaml").read_text("utf-8"))
    item.update(code=CODE, name="城市道路挖掘与临时占用联合审批(基准测试)")
    for stage in item["process"]["stages"]:
        if stage["stage"] == "review":
            stage["departments"] = list(REVIEWERS)
    for material in item["materials"]:  # the generated form only: no uploads to time
        material["required"] = material["code"] == "APPLICATION_FORM"
    (into / "items" / f"{CODE}.yaml").write_text(yaml.safe_dump(item, allow_unicode=True), "utf-8")
    return into


def prepare(url: str, tmp: Path, users: tuple[str, ...] | None = USERS) -> Any:
    """The database migrated, with the calendar, the bench catalog and the demo users
    (``users`` only, or all of them)."""
    from sqlalchemy.orm import Session, sessionmaker

    from tongban.catalog import service as catalog
    from tongban.db import make_engine
    from tongban.demo import users as demo
    from tongban.migrate import upgrade
    from tongban.workdays import service as workdays

    upgrade(url)
    engine = make_engine(url)
    entries = yaml.safe_load((ROOT / "demo/users.yaml").read_text("utf-8"))
    with Session(engine) as session:
        workdays.seed_from_chinesecalendar(session=session)
        report = catalog.load_catalog(session, root=bench_catalog(tmp / "catalog"))
        assert report.read is not None and not report.read.errors, report.read.errors
        for entry in entries:
            if users is None or entry["username"] in users:
                demo.ensure_user(session, entry)
        session.commit()
    return engine, sessionmaker(bind=engine, expire_on_commit=False)


class Tongban:
    def __init__(self, sessions: Any, store: Any) -> None:
        from tongban.accounts import service as accounts
        from tongban.catalog import service as catalog

        self.sessions, self.store = sessions, store
        with sessions() as session:
            self.users = {name: accounts.find_user(session, username=name) for name in USERS}
            spec = catalog.get_entry(session, code=CODE).current_version
            self.form = self._form(spec.definition["form"])

    @staticmethod
    def _form(schema: dict[str, Any]) -> dict[str, Any]:
        from tongban.demo.samples import fill_form

        return fill_form(schema)

    def run_case(self, n: int) -> str:
        from tongban.cases import service as cases
        from tongban.cases.enums import CaseState, Stage, TaskOutcome
        from tongban.db import unit_of_work

        u, store = self.users, self.store
        with unit_of_work(self.sessions) as s:
            case = cases.create_case(
                s, applicant=u["zhangsan"], code=CODE, form_data=self.form, now=NOW
            )
            case_id = case.id
        with unit_of_work(self.sessions) as s:
            cases.submit_case(s, case_id=case_id, user=u["zhangsan"], now=NOW, store=store)
        with unit_of_work(self.sessions) as s:
            case = cases.accept_case(
                s, case_id=case_id, user=u["cgj"], opinion="受理", now=NOW, store=store
            )
            reviews = [(t.id, t.department_code) for t in case.tasks if t.stage == Stage.review]
        assert len(reviews) == 4, reviews
        for task_id, dept in reviews:
            with unit_of_work(self.sessions) as s:
                cases.review_task(
                    s,
                    task_id=task_id,
                    user=u[REVIEWERS[dept]],
                    outcome=TaskOutcome.approved,
                    opinion="同意",
                    now=NOW,
                    store=store,
                )
        for stage, user in ((Stage.decide, "cgj-hz"), (Stage.issue, "cgj")):
            with unit_of_work(self.sessions) as s:
                task_id = _open_task(s, case_id, stage)
                act = cases.approve_case if stage == Stage.decide else cases.issue_result
                case = act(s, task_id=task_id, user=u[user], opinion="准予", now=NOW, store=store)
                state = case.state
        assert state == CaseState.completed, state
        return str(case_id)


def _open_task(session: Any, case_id: int, stage: Any) -> int:
    from sqlalchemy import select

    from tongban.cases.enums import TaskState
    from tongban.cases.models import Task

    return session.scalar(
        select(Task.id).where(
            Task.case_id == case_id, Task.stage == stage, Task.state == TaskState.open
        )
    )


def sqlite_bound(path: Path, synchronous: str, seconds: float = 2.0) -> float:
    """Small committed transactions per second on a WAL file: with ``FULL`` (SQLite's
    default, Tongban's: every commit waits for the disk) or ``NORMAL`` (no wait; the
    last commits may be lost in a power cut, never corrupted)."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES ('x')")
        conn.execute("COMMIT")
        done += 1
    return done / (time.perf_counter() - start)


def timed(run: Callable[[int], Any], cases: int, first: int) -> tuple[float, float]:
    """(cases per second of wall time, CPU ms of this process per case)."""
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(first, first + cases):
        run(n)
    return cases / (time.perf_counter() - start), (time.process_time() - cpu) * 1000 / cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true", help="pyinstrument on Tongban's path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = args.database_url or f"sqlite:///{tmp}/tongban.sqlite3"
        os.environ.update(TONGBAN_DATABASE_URL=url, TONGBAN_FILE_STORE_PATH=str(tmp / "files"))
        if url.startswith("postgresql"):
            _empty_postgres(url)
        from engine_spiff import PROCESS, Spiff
        from sqlalchemy import create_engine, event

        from tongban.files.store import LocalFileStore
        from tongban.models import load_all

        load_all()
        _engine, sessions = prepare(url, tmp)
        tongban = Tongban(sessions, LocalFileStore(tmp / "files"))
        spiff_url = url if url.startswith("postgresql") else f"sqlite:///{tmp}/spiff.sqlite3"
        spiff_engine = create_engine(spiff_url)
        if spiff_url.startswith("sqlite"):
            event.listen(spiff_engine, "connect", lambda c, _: c.execute("PRAGMA journal_mode=WAL"))
        spiff = Spiff(spiff_engine, PROCESS)
        tongban.run_case(0), spiff.run_case(0)  # warm: imports, caches, first pages
        figures: dict[str, list[float]] = {
            k: [] for k in ("ours", "theirs", "ours_cpu", "theirs_cpu")
        }
        print(
            f"{'round':>6} {'Tongban cases/s':>16} {'Spiff cases/s':>14} {'ratio':>6}"
            f" {'Tongban CPU ms/case':>20} {'Spiff CPU ms/case':>18} {'CPU ratio':>9}"
        )
        for r in range(args.rounds):
            ours, ours_cpu = timed(tongban.run_case, args.cases, 1 + r * args.cases)
            theirs, theirs_cpu = timed(spiff.run_case, args.cases, 1 + r * args.cases)
            for key, value in zip(figures, (ours, theirs, ours_cpu, theirs_cpu), strict=True):
                figures[key].append(value)
            print(
                f"{r + 1:>6} {ours:>16.1f} {theirs:>14.1f} {ours / theirs:>6.2f}"
                f" {ours_cpu:>20.1f} {theirs_cpu:>18.1f} {theirs_cpu / ours_cpu:>9.2f}"
            )
        ours, theirs, ours_cpu, theirs_cpu = (statistics.median(v) for v in figures.values())
        ratios = [a / b for a, b in zip(figures["ours"], figures["theirs"], strict=True)]
        cpu_ratios = [
            b / a for a, b in zip(figures["ours_cpu"], figures["theirs_cpu"], strict=True)
        ]
        print(
            f"{'median':>6} {ours:>16.1f} {theirs:>14.1f} {statistics.median(ratios):>6.2f}"
            f" {ours_cpu:>20.1f} {theirs_cpu:>18.1f} {statistics.median(cpu_ratios):>9.2f}"
        )
        print(f"Tongban: {ours * TRANSACTIONS_PER_CASE:.0f} committed transactions/s")
        if url.startswith("sqlite"):
            for sync in ("FULL", "NORMAL"):
                bound = sqlite_bound(tmp / f"bound-{sync}.sqlite3", sync)
                print(
                    f"SQLite bound here, synchronous={sync}: {bound:,.0f} small transactions/s"
                    f" (WAL), {bound / TRANSACTIONS_PER_CASE:,.0f} cases/s at 9 per case;"
                    f" Tongban is at {ours * TRANSACTIONS_PER_CASE / bound:.1%} of it"
                )
        _count_statements(_engine, tongban)
        _time_rendering(tongban)
        if args.profile:
            _profile(tongban, args.cases)
    return 0


def _time_rendering(tongban: Tongban) -> None:
    """Rendering alone, per document (median of 10), as the worker does it."""
    from sqlalchemy import select

    from tongban.cases.materials import generated
    from tongban.cases.models import Case
    from tongban.catalog import service as catalog
    from tongban.documents import official

    with tongban.sessions() as session:
        spec = catalog.get_entry(session, code=CODE).current_version.definition
        case = session.scalars(select(Case).limit(1)).one()
        makers = {
            "application form": lambda: generated.render_form(spec, case, "张三", NOW),
            "result PDF": lambda: official.render(
                official.Document(
                    title="准予行政许可决定书",
                    number=f"榕城管许〔{NOW.year}〕1号",
                    issuer="福州市城市管理委员会",
                    issued_on=NOW.date(),
                    rows=[("办件编号", case.number)],
                    footer="依据《中华人民共和国行政许可法》第三十八条",
                    verify_url="http://127.0.0.1/licences/verify",
                )
            ),
        }
        for name, make in makers.items():
            times = []
            for _ in range(10):
                start = time.perf_counter()
                make()
                times.append(time.perf_counter() - start)
            print(f"rendering, {name}: {statistics.median(times) * 1000:.1f} ms per document")


def _count_statements(engine: Any, tongban: Tongban) -> None:
    """SQL statements one Tongban case sends (each a round trip to the database)."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2].split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    tongban.run_case(20_000)
    event.remove(engine, "before_cursor_execute", count)
    kinds = {kind: seen.count(kind) for kind in sorted(set(seen))}
    print(f"Tongban: {len(seen)} SQL statements per case {kinds}")


def _profile(tongban: Tongban, cases: int) -> None:
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    for n in range(10_000, 10_000 + cases):
        tongban.run_case(n)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


if __name__ == "__main__":
    sys.exit(main())
