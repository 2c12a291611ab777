"""What loading the guide assistant's dictionaries costs a fresh process: the work a
question asked right after start-up waits for (``text.load``: jieba's dictionary,
pypinyin's readings and the pinyin syllables). Each run is a new Python process that
imports ``tongban.assistant.text`` and loads them once, timed in CPU seconds of that
process (``time.process_time``, which a shared machine disturbs far less than wall time)
and in wall seconds; medians are printed. jieba reads its cache (``jieba.cache`` in the
temporary folder) as a restarted server does.

    PYTHONPATH=src .venv/bin/python bench/dictionaries.py [--runs 5] [--src OTHER/src]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_RUN = """
import json, time
from tongban.assistant import text
wall, cpu = time.perf_counter(), time.process_time()
text._load()
print(json.dumps({"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to load")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, "-c", ONE_RUN],
            env={"PYTHONPATH": str(args.src.resolve())},
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    for key in runs[0]:
        values = [run[key] for run in runs]
        shown = " ".join(f"{value:6.2f}" for value in values)
        print(f"{key:<8} median {statistics.median(values):6.2f}   runs {shown}")


if __name__ == "__main__":
    main()
