"""Real races between transactions: actions started together behind a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run ``actions`` in threads released together; each one's result, or the exception
    it raised (collected for the caller to assert)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = actions[index]()
        except BaseException as error:  # collected and asserted by the caller
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
