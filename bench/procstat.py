"""CPU time and resident memory of process trees, read from /proc (Linux), sampled in a
thread: what benchmarks 2 and 5 report of the server, its worker processes and the job
worker."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def stat(pid: int) -> tuple[float, float]:
    """(CPU seconds, user + system, RSS MB) of one process; (0, 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS, int(fields[21]) * PAGE_MB


class Sampler:
    """Samples named process trees every ``every`` seconds: peak RSS (the tree's sum and
    its largest process) and CPU used since the first sample."""

    def __init__(self, roots: dict[str, int], every: float = 1.0) -> None:
        self.roots, self.every = roots, every
        self.peak = dict.fromkeys(roots, 0.0)
        self.peak_one = dict.fromkeys(roots, 0.0)
        self.cpu_last: dict[str, dict[int, float]] = {name: {} for name in roots}
        self.cpu_first: dict[str, dict[int, float]] = {}
        self.history: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict[str, dict[str, float]]:
        now: dict[str, dict[str, float]] = {}
        for name, root in self.roots.items():
            figures = {pid: stat(pid) for pid in tree(root)}
            rss = sum(mb for _, mb in figures.values())
            self.peak[name] = max(self.peak[name], rss)
            self.peak_one[name] = max([self.peak_one[name], *(mb for _, mb in figures.values())])
            self.cpu_last[name].update({pid: cpu for pid, (cpu, _) in figures.items() if cpu})
            self.cpu_first.setdefault(name, {pid: cpu for pid, (cpu, _) in figures.items()})
            now[name] = {"rss_mb": rss}
        self.history.append(now)
        return now

    def cpu_seconds(self) -> dict[str, float]:
        """CPU used by each tree since the first sample (processes that ended count up to
        their last sample)."""
        return {
            name: sum(cpu - self.cpu_first[name].get(pid, 0.0) for pid, cpu in last.items())
            for name, last in self.cpu_last.items()
        }

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
