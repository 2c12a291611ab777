"""Benchmark 2: HTTP throughput and latency with several server processes, as operators
run it, on the SQLite file or PostgreSQL.

Loads the demo into a throw-away database (a SQLite file, or ``--database-url``: its
schema is emptied first), starts ``uvicorn --workers N`` on a loopback port with the
embedded worker off and one ``tongban worker`` process beside it, then runs ``--users``
simulated people in threads, each with its own connection and a think time between
requests (exponential, mean ``--think`` seconds): visitors (service hall, htmx search,
guide), applicants (create a draft and read it, 我的办件), clerks (the workbench queue page
and the queue API), as ``bench/load.py``; the demo history is ``--demo-cases`` cases.
Bounded by ``--seconds`` and ``--requests``.

Every demo account the users play signs in once, one after the other, before the users
arrive (timed as "sign in"), and the users share those tokens: people are signed in when
they work, and a hundred argon2id checks in the same two seconds would measure the
password hash's cost (about 0.1 s of CPU and 64 MB each) instead of the pages.

Prints p50/p95/p99 per kind, requests/s, the error rate, the CPU time the server
processes and the worker used per request (from /proc), and their peak RSS sampled every
second (benchmark 5's server figure).

    PYTHONPATH=src .venv/bin/python bench/http_load.py [--workers 2] [--users 100]
        [--think 1.0] [--seconds 90] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
from procstat import Sampler

ROOT = Path(__file__).resolve().parent.parent


class ThinkingUser(load.User):
    """A person who reads a page before the next request, and signs in once."""

    think = 1.0

    def __init__(self, base_url: str, results: load.Results, seed: int) -> None:
        super().__init__(base_url, results, seed)
        self.http.timeout = httpx.Timeout(30)  # the run ends soon after its time is up

    def signed_in(self, usernames: list[str]) -> None:
        self.headers = TOKENS[self.random.choice(usernames)]

    def applicant(self) -> None:
        self.signed_in(load.APPLICANTS)
        while self.results.more():
            body = {"code": load.ITEM, "form_data": {}}
            created = self.call("create draft", "POST", "/api/v1/cases", json=body)
            if created is not None and created.status_code == 201:
                self.call("read case", "GET", f"/api/v1/cases/{created.json()['number']}")
            self.call("my cases", "GET", "/my/cases")

    def clerk(self) -> None:
        self.signed_in(load.CLERKS)
        while self.results.more():
            self.call("queue page", "GET", "/staff")
            self.call("queue api", "GET", "/api/v1/tasks")

    def call(self, kind: str, method: str, url: str, **kw: object) -> httpx.Response | None:
        if self.results.more():
            time.sleep(self.random.expovariate(1 / self.think))
        return super().call(kind, method, url, **kw)  # type: ignore[arg-type]


TOKENS: dict[str, dict[str, str]] = {}  # username → its Authorization header


def sign_in_everyone(base_url: str, results: load.Results) -> None:
    """Sign each account the users play in once, in turn, before they arrive."""
    person = load.User(base_url, results, seed=0)
    for username in [*load.APPLICANTS, *load.CLERKS]:
        if not person.sign_in(username):
            raise SystemExit(f"{username} could not sign in")
        TOKENS[username] = person.headers
    person.http.close()


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start(
    tmp: Path, url: str, workers: int, cases: int, console: Console
) -> tuple[list[subprocess.Popen[bytes]], str]:
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_FILE_STORE_PATH": f"{tmp}/files",
        "TONGBAN_ENVIRONMENT": "development",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}",
    }
    if url.startswith("postgresql"):
        empty_postgres(url)
    cli = [sys.executable, "-m", "tongban.cli"]
    with console.status("演示数据加载中 (loading the demo)…"):
        print(f"{time.strftime('%H:%M:%S')} loading the demo", flush=True)
        demo = [*cli, "demo", "--cases", str(cases)]
        subprocess.run(demo, cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"{time.strftime('%H:%M:%S')} demo loaded; starting the server", flush=True)
    port = load.free_port()
    log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "asgi:app", "--host", load.HOST,
         "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [*cli, "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://{load.HOST}:{port}"
    for _ in range(900):
        try:
            if httpx.get(f"{base_url}/", timeout=5).status_code == 200:
                return [server, worker], base_url
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.1)
    server.kill(), worker.kill()
    raise SystemExit(f"the server did not start; see {tmp / 'server.log'}")


def run_users(base_url: str, count: int, results: load.Results, seed: int) -> None:
    roles = ["visitor", "applicant", "visitor", "clerk", "visitor", "applicant"]
    users = [
        (ThinkingUser(base_url, results, seed * 1000 + n), roles[n % len(roles)])
        for n in range(count)
    ]
    threads = [threading.Thread(target=getattr(user, role)) for user, role in users]
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # arriving over two seconds, not in one burst
    for thread in threads:
        thread.join()
    for user, _ in users:
        user.http.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between requests")
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--demo-cases", type=int, default=200, help="history in the demo")
    args = parser.parse_args()
    ThinkingUser.think = args.think
    console = Console()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = args.database_url or f"sqlite:///{tmp}/http.sqlite3"
        processes, base_url = start(tmp, url, args.workers, args.demo_cases, console)
        server, worker = processes
        time.sleep(2)  # the workers' imports settle before the idle figure
        sampler = Sampler({"server": server.pid, "worker": worker.pid})
        idle = sampler.sample()
        sampler.start()
        try:
            results = load.Results(args.requests, time.monotonic() + args.seconds)
            sign_in_everyone(base_url, results)
            started = time.monotonic()
            run_users(base_url, args.users, results, random.randrange(1000))
            seconds = time.monotonic() - started
        finally:
            sampler.stop()
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
        total = len(results.samples)
        database = "PostgreSQL" if args.database_url else "SQLite"
        console.print(f"{args.workers} server processes + 1 worker, database {database}")
        how = f"think time {args.think} s"
        status = load.report(results, seconds, args.users, console, how)
        cpu = sampler.cpu_seconds()
        for group in ("server", "worker"):
            console.print(
                f"{group}: CPU {cpu[group] * 1000 / max(total, 1):.1f} ms per request"
                f" ({cpu[group]:.1f} s in {seconds:.0f} s); RSS idle"
                f" {idle[group]['rss_mb']:.0f} MB, peak {sampler.peak[group]:.0f} MB"
                f" (per process, largest: {sampler.peak_one[group]:.0f} MB)"
            )
        timeline = sampler.history[:: max(1, len(sampler.history) // 8)] + sampler.history[-1:]
        console.print(
            "RSS over the run, MB (server / worker): "
            + ", ".join(
                f"{h['server']['rss_mb']:.0f}/{h['worker']['rss_mb']:.0f}" for h in timeline
            )
        )
        locked = (tmp / "server.log").read_text(errors="replace").count("database is locked")
        console.print(f"'database is locked' in the server log: {locked}")
    return status


if __name__ == "__main__":
    sys.exit(main())
