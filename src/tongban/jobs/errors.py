"""Errors of the job queue."""

from __future__ import annotations

from tongban.errors import NotFound


class JobNotFound(NotFound):
    def __init__(self, job_id: int) -> None:
        super().__init__(
            f"没有编号为 {job_id} 的作业", f"There is no job {job_id}", code="job_not_found"
        )
