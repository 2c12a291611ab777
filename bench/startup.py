"""Start-up of one web process and its first question to the guide assistant (智能客服):
what a web process costs before anyone asks anything, and what the first question costs.

Loads the demo catalog into a throw-away SQLite file and has the worker cut its tokens
(as the worker of a running platform has), then starts one web process as operators run
several (``uvicorn --factory asgi:app``, the embedded worker off) and reads from /proc:

- seconds until it answers (uvicorn accepts connections once the app has started);
- its resident memory and CPU once its start-up work (the background index build) is
  done: sampled every second until it uses under 15 % of a core for 3 s in a row;
- the first question (``GET /api/v1/assistant``, asked again while the reply says the
  assistant is getting ready): seconds until answered, and the memory after it. With
  ``--at-once`` it is asked as soon as the process answers (as a person would who asks
  right after a restart), not after its start-up work: the seconds then say how long
  that person waits for the dictionaries and the index.

    PYTHONPATH=src .venv/bin/python bench/startup.py [--runs 3] [--at-once]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
from procstat import stat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tongban.assistant import service  # noqa: E402
from tongban.catalog import service as catalog  # noqa: E402
from tongban.config import Settings  # noqa: E402
from tongban.db import unit_of_work  # noqa: E402
from tongban.migrate import upgrade  # noqa: E402
from tongban.models import load_all  # noqa: E402
from tongban.timeutil import utcnow  # noqa: E402
from tongban.web.runtime import Runtime  # noqa: E402

QUESTION = "开饭店要办什么证"


def prepare(folder: Path) -> str:
    """A database with the catalog loaded and cut by the worker; its URL."""
    url = f"sqlite:///{folder}/startup.sqlite3"
    load_all()
    runtime = Runtime.from_settings(
        Settings(environment="test", database_url=url, file_store_path=folder / "files")
    )
    upgrade(url)
    with unit_of_work(runtime.sessions) as session:
        report = catalog.load_catalog(session, root=ROOT / "catalog")
        assert report.read is not None and not report.read.errors
    with unit_of_work(runtime.sessions) as session:
        service.cut_published(session, now=utcnow())
    runtime.engine.dispose()
    return url


def settle(pid: int, quiet: float = 3.0, idle: float = 0.15, bound: float = 60.0) -> None:
    """Wait until the process uses less than ``idle`` of a core for ``quiet`` seconds in a
    row (an idle server still ticks: its event loop, the connection pool), at most
    ``bound`` seconds."""
    last, still, waited = stat(pid)[0], 0.0, 0.0
    while still < quiet and waited < bound:
        time.sleep(1.0)
        waited += 1.0
        now = stat(pid)[0]
        still = still + 1.0 if now - last < idle else 0.0
        last = now


def one_run(url: str, folder: Path, *, at_once: bool = False) -> dict[str, float]:
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_FILE_STORE_PATH": f"{folder}/files",
        "TONGBAN_ENVIRONMENT": "development",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}",
    }
    port = load.free_port()
    base = f"http://{load.HOST}:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "asgi:app", "--host", load.HOST,
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                if httpx.get(f"{base}/static/favicon.svg", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        serving = time.perf_counter() - started
        if not at_once:
            settle(server.pid)
        cpu, rss = stat(server.pid)
        asked = time.perf_counter()
        while True:
            reply = httpx.get(f"{base}/api/v1/assistant", params={"q": QUESTION}, timeout=120)
            reply.raise_for_status()
            if reply.json()["kind"] != "warming":
                break
        answered = time.perf_counter() - asked
        settle(server.pid)
        return {
            "serving_s": serving,
            "startup_cpu_s": cpu,
            "rss_idle_mb": rss,
            "first_answer_s": answered,
            "rss_after_mb": stat(server.pid)[1],
        }
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--at-once", action="store_true", help="ask as soon as the process answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = prepare(folder)
        runs = [one_run(url, folder, at_once=args.at_once) for _ in range(args.runs)]
    print(f"load average at the end: {os.getloadavg()}")
    for key in runs[0]:
        values = [run[key] for run in runs]
        shown = " ".join(f"{value:7.2f}" for value in values)
        print(f"{key:<16} median {statistics.median(values):7.2f}   runs {shown}")


if __name__ == "__main__":
    main()
