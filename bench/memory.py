"""Benchmark 5, memory: the resident size of a process running the case engine after
every block of cases, to show it does not grow with the cases it has handled (the
server's and the job worker's RSS under HTTP load are printed by ``bench/http_load.py``).

Runs whole cases of the bench's four-department item (``bench/engine.py``: create,
submit, accept, 4 reviews, approve, issue; each step committed; rendering stubbed) in
one process on a throw-away SQLite file (or ``--database-url``), and after each
``--block`` cases prints the process's RSS (after a garbage collection) and its growth
since the first block (the first block pays the imports and caches).

    PYTHONPATH=src .venv/bin/python bench/memory.py [--cases 400] [--block 50]
        [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine
from procstat import stat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = args.database_url or f"sqlite:///{tmp}/memory.sqlite3"
        os.environ.update(TONGBAN_DATABASE_URL=url, TONGBAN_FILE_STORE_PATH=str(tmp / "files"))
        if url.startswith("postgresql"):
            engine._empty_postgres(url)
        from tongban.files.store import LocalFileStore
        from tongban.models import load_all

        load_all()
        engine.without_rendering()
        _engine, sessions = engine.prepare(url, tmp)
        tongban = engine.Tongban(sessions, LocalFileStore(tmp / "files"))
        gc.collect()
        print(f"before any case: RSS {stat(os.getpid())[1]:.1f} MB")
        print(f"{'cases':>6} {'RSS MB':>8} {'since block 1':>14} {'cases/s':>8}")
        first = None
        for done in range(args.block, args.cases + 1, args.block):
            started = time.perf_counter()
            for n in range(done - args.block, done):
                tongban.run_case(n)
            rate = args.block / (time.perf_counter() - started)
            gc.collect()
            rss = stat(os.getpid())[1]
            first = rss if first is None else first
            print(f"{done:>6} {rss:>8.1f} {rss - first:>+14.1f} {rate:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
