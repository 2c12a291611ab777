"""One interface to every shared source, two real kinds behind it.

- ``database``: records held in this platform's own tables (``source_records``), the
  demo's synthetic population and enterprises among them;
- ``http``: a department's REST service, ``GET {url}/{key}`` answering the record as a
  JSON object (404: no record), with a timeout and retries. When the service is down,
  slow or answers nonsense the lookup is ``unavailable`` with the reason: the caller
  asks the field as a normal input instead (degraded mode), it never fails the case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import txcache
from tongban.sharing.models import SourceRecord

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 2.0
DEFAULT_RETRIES = 1


@dataclass(frozen=True)
class Lookup:
    """A source's answer for one key: ``record`` (None: no record), or ``unavailable``
    with the reason when the source could not answer."""

    record: dict[str, Any] | None = None
    unavailable: str | None = None

    @property
    def found(self) -> bool:
        return self.record is not None


class Connector(Protocol):
    def lookup(self, session: Session, *, key: str) -> Lookup: ...


def typed(fields: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The declared fields of ``data`` whose value has the declared type; others dropped."""
    checks = {
        "string": lambda v: isinstance(v, str),
        "date": lambda v: isinstance(v, str) and _is_date(v),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    return {
        name: data[name]
        for name, declared in fields.items()
        if name in data and checks[declared["type"]](data[name])
    }


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass
class DatabaseConnector:
    """Records of source ``code`` in this platform's own database."""

    code: str
    fields: dict[str, Any]

    def lookup(self, session: Session, *, key: str) -> Lookup:
        """The record of ``key``, read once per unit of work (a material's pull and the
        risk screen's comparison of the same record ask twice), again after a flush that
        writes a record (``txcache.memo``; ``sharing.store_records`` forgets its Core
        writes)."""

        def read() -> Any:
            query = select(SourceRecord.data).where(
                SourceRecord.source == self.code, SourceRecord.key == key
            )
            return session.scalar(query)

        memo_key = f"source_records:{self.code}:{key}"
        data = txcache.memo(session, memo_key, read, on=(SourceRecord,))
        return Lookup(record=typed(self.fields, data) if data is not None else None)


@dataclass
class HttpConnector:
    """A department's REST service: ``GET {url}/{key}`` with a timeout, retried
    ``retries`` times on a network error, timeout or 5xx; 404 means no record."""

    code: str
    fields: dict[str, Any]
    url: str
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    retries: int = DEFAULT_RETRIES

    def lookup(self, session: Session, *, key: str) -> Lookup:
        reason = "unreachable"
        with httpx.Client(timeout=self.timeout_seconds) as client:
            for _attempt in range(self.retries + 1):
                try:
                    response = client.get(f"{self.url.rstrip('/')}/{key}")
                except httpx.TimeoutException:
                    reason = "timeout"
                    continue
                except httpx.HTTPError:
                    reason = "unreachable"
                    continue
                if response.status_code == 404:
                    return Lookup(record=None)
                if response.status_code >= 500:
                    reason = "server_error"
                    continue
                return self._answer(response)
        log.warning("shared source %s unavailable: %s", self.code, reason)
        return Lookup(unavailable=reason)

    def _answer(self, response: httpx.Response) -> Lookup:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200 or not isinstance(data, dict):
            return Lookup(unavailable="bad_answer")
        return Lookup(record=typed(self.fields, data))


@dataclass
class Unspent:
    """A source of records used once (``spent``): a record marked used (a name
    reservation that founded its company) answers as no record."""

    inner: Connector
    field: str
    values: frozenset[str]

    def lookup(self, session: Session, *, key: str) -> Lookup:
        found = self.inner.lookup(session, key=key)
        if found.record is not None and found.record.get(self.field) in self.values:
            return Lookup(record=None)
        return found


def connector_for(source: dict[str, Any]) -> Connector:
    """The connector a source's ``connector`` entry declares (its spent records hidden)."""
    connector = _connector(source)
    spent = source.get("spent")
    if spent:
        return Unspent(connector, spent["field"], frozenset(spent["values"]))
    return connector


def _connector(source: dict[str, Any]) -> Connector:
    declared = source["connector"]
    if declared["kind"] == "http":
        return HttpConnector(
            code=source["code"],
            fields=source["fields"],
            url=declared["url"],
            timeout_seconds=float(declared.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)),
            retries=int(declared.get("retries", DEFAULT_RETRIES)),
        )
    return DatabaseConnector(code=source["code"], fields=source["fields"])
