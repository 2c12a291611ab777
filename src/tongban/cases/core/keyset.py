"""Keyset pages: a cursor names the last row shown by its sort key (a moment and the row's
id), so a page never skips or repeats a row when rows before it come or go meanwhile. The
staff queue (``queue``: a task's due time) and a clerk's cases taken in (``queries``: a
case's submission time) are read so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tongban.errors import InvalidInput

_MICRO = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEVER = datetime.max.replace(tzinfo=UTC)  # a row without a moment sorts last


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: the sort key (moment, id) of a row. Written in a link
    as ``<microseconds since 1970>.<id>`` (``n.<id>`` for a row with no moment)."""

    at: datetime | None
    row_id: int

    def key(self) -> tuple[datetime, int]:
        return (self.at or _NEVER, self.row_id)

    def token(self) -> str:
        moment = "n" if self.at is None else str((self.at - _EPOCH) // _MICRO)
        return f"{moment}.{self.row_id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """InvalidInput for a token not made by :meth:`token` (a link edited by hand)."""
        moment, _, row_id = token.partition(".")
        try:
            return cls(None if moment == "n" else _EPOCH + int(moment) * _MICRO, int(row_id))
        except (ValueError, OverflowError):
            raise invalid() from None


def invalid() -> InvalidInput:
    """What a page position that names no row says: start again from the first page."""
    return InvalidInput(
        "翻页位置无效，请从第一页重新浏览。",
        "The page position is not valid: start again from the first page.",
        field="cursor",
    )
