"""The random draw of a panel (随机抽取): every eligible expert equally likely, no one twice.

The draw takes its randomness from the caller: the operating system's generator
(``SYSTEM_RANDOM``, ``secrets.SystemRandom``) in service, a seeded ``random.Random`` in
tests, so that a fixed seed shows the draw is fair and repeatable.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

SYSTEM_RANDOM: random.Random = secrets.SystemRandom()


def draw(pool: Sequence[T], size: int, rng: random.Random) -> list[T]:
    """``size`` distinct members of ``pool`` (its order fixed by the caller, so that a seed
    repeats a draw), each subset equally likely; all of them when the pool is smaller."""
    return rng.sample(list(pool), min(size, len(pool)))
