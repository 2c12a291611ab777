"""Twenty people at once, with no think time, against a real server on the embedded SQLite file.

Loads the demo (calendar, catalog, accounts, case history) into a throw-away SQLite file,
starts ``tongban serve`` on a free loopback port in a subprocess (embedded worker on, as
``make run`` does), then runs simulated users in threads, each with its own connection:

- visitors (half): the service hall, a search as htmx sends it, an item's guide;
- applicants (a third): sign in, then create a draft, read it at once, open 我的办件;
- clerks (the rest): sign in once, then the workbench queue page and the queue API.

The run stops after ``--requests`` requests or ``--seconds`` seconds, whichever comes
first, and prints the requests made, the errors by status and p50/p95/p99 per kind. A
read right after a 2xx write that does not answer 200 counts as an error too.

    .venv/bin/python bench/load.py [--users 20] [--requests 3000] [--seconds 300]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only
PASSWORD = "demo12345"
APPLICANTS = ["zhangsan", "lisi"]  # natural persons: the item is for them
CLERKS = ["clerk", "rs", "scjg", "ga", "wjw"]
ITEM = "3501-RS-003"  # 失业登记: a draft needs nothing but the item code
GUIDES = ["3501-RS-003", "3501-WJW-002", "3501-CGJ-003"]
WORDS = ["失业", "营业执照", "sydj", "kcg", "公积金", "餐饮"]


@dataclass
class Results:
    """Every request's kind, status (0 = no answer) and seconds, shared by the users."""

    limit: int
    deadline: float
    samples: list[tuple[str, int, float]] = field(default_factory=list)
    unanswered: Counter[str] = field(default_factory=Counter)  # exception names
    lock: threading.Lock = field(default_factory=threading.Lock)
    advance: Callable[[], None] = lambda: None

    def more(self) -> bool:
        return len(self.samples) < self.limit and time.monotonic() < self.deadline

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.samples.append((kind, status, seconds))
        self.advance()


class User:
    """One simulated person with their own connection and sign-in."""

    def __init__(self, base_url: str, results: Results, seed: int) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=120)
        self.results = results
        self.random = random.Random(seed)
        self.headers: dict[str, str] = {}

    def call(
        self, kind: str, method: str, url: str, *, htmx: bool = False, **kw: object
    ) -> httpx.Response | None:
        headers = {**self.headers, "HX-Request": "true"} if htmx else self.headers
        started = time.perf_counter()
        try:
            response = self.http.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            self.results.unanswered[type(error).__name__] += 1
            self.results.record(kind, 0, time.perf_counter() - started)
            return None
        self.results.record(kind, response.status_code, time.perf_counter() - started)
        return response

    def sign_in(self, username: str) -> bool:
        self.headers = {}
        body = {"username": username, "password": PASSWORD}
        response = self.call("sign in", "POST", "/api/v1/auth/login", json=body)
        if response is None or response.status_code != 200:
            return False
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return True

    def visitor(self) -> None:
        while self.results.more():
            self.call("home", "GET", "/")
            word = self.random.choice(WORDS)
            self.call("search", "GET", "/", params={"q": word}, htmx=True)
            self.call("guide", "GET", f"/items/{self.random.choice(GUIDES)}")

    def applicant(self) -> None:
        while self.results.more():
            if not self.sign_in(self.random.choice(APPLICANTS)):
                continue
            for _ in range(3):
                body = {"code": ITEM, "form_data": {}}
                created = self.call("create draft", "POST", "/api/v1/cases", json=body)
                if created is None or created.status_code != 201:
                    continue
                self.call("read case", "GET", f"/api/v1/cases/{created.json()['number']}")
            self.call("my cases", "GET", "/my/cases")

    def clerk(self) -> None:
        while self.results.more() and not self.sign_in(self.random.choice(CLERKS)):
            pass
        while self.results.more():
            self.call("queue page", "GET", "/staff")
            self.call("queue api", "GET", "/api/v1/tasks")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(tmp: Path, console: Console) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp}/load.sqlite3",
        "TONGBAN_FILE_STORE_PATH": f"{tmp}/files",
        "TONGBAN_ENVIRONMENT": "development",
    }
    cli = [sys.executable, "-m", "tongban.cli"]
    with console.status("演示数据加载中 (loading the demo)…"):
        subprocess.run([*cli, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [*cli, "serve", "--host", HOST, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://{HOST}:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base_url}/", timeout=5).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start; see {tmp / 'server.log'}")


def run_users(base_url: str, count: int, results: Results) -> None:
    roles = itertools.cycle(["visitor", "applicant", "visitor", "clerk", "visitor", "applicant"])
    users = [(User(base_url, results, seed), next(roles)) for seed in range(count)]
    threads = [threading.Thread(target=getattr(user, role)) for user, role in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user, _ in users:
        user.http.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(
    results: Results, seconds: float, users: int, console: Console, how: str = "no think time"
) -> int:
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    error_kinds: Counter[tuple[str, int]] = Counter()
    for kind, status, took in results.samples:
        by_kind[kind].append(took)
        if status == 0 or status >= 400:
            errors[str(status or "no answer")] += 1
            error_kinds[(kind, status)] += 1
    total = len(results.samples)
    table = Table(title=f"{users} users, {how}: {total} requests in {seconds:.0f} s")
    for column in ("kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, times in sorted(by_kind.items()):
        failed = sum(n for (k, _), n in error_kinds.items() if k == kind)
        quantiles = [percentile(times, q) * 1000 for q in (0.5, 0.95, 0.99, 1.0)]
        table.add_row(kind, str(len(times)), str(failed), *(f"{q:,.0f}" for q in quantiles))
    console.print(table)
    rate = total / seconds if seconds else 0.0
    share = 100 * sum(errors.values()) / total if total else 0.0
    console.print(
        f"throughput {rate:.1f} requests/s; errors {sum(errors.values())} ({share:.2f} %)"
    )
    for status, n in sorted(errors.items()):
        console.print(f"  HTTP {status}: {n}")
    for name, n in sorted(results.unanswered.items()):
        console.print(f"  no answer, {name}: {n}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=3000, help="stop after this many")
    parser.add_argument("--seconds", type=float, default=300, help="stop after this long")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        server, base_url = start_server(tmp, console)
        try:
            results = Results(args.requests, time.monotonic() + args.seconds)
            columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("requests", total=args.requests)
                results.advance = lambda: progress.advance(task)
                started = time.monotonic()
                run_users(base_url, args.users, results)
                seconds = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        locked = (tmp / "server.log").read_text(errors="replace").count("database is locked")
        status = report(results, seconds, args.users, console)
        console.print(f"'database is locked' in the server log: {locked}")
    return status


if __name__ == "__main__":
    sys.exit(main())
