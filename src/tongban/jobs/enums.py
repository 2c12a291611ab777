"""States of a job."""

from enum import StrEnum


class JobState(StrEnum):
    pending = "pending"  # waiting for its due time (or for a retry after a failure)
    running = "running"  # claimed by a worker whose lease runs until ``locked_until``
    done = "done"
    failed = "failed"  # gave up after ``max_attempts``: shown to operators, never dropped
