"""Idempotency keys for API calls a client may retry (IETF draft
``draft-ietf-httpapi-idempotency-key-header``; OWASP ASVS 4.0 §11.1.4).

A POST, PUT, PATCH or DELETE under ``/api/`` that carries an ``Idempotency-Key`` header
and a live credential (bearer token or session cookie) is done once per key and account:
a client that signed in again (its token expired, its process restarted) and retries with
the same key gets the first call's answer, never a second run; another account's key of the
same name is another key. A call whose credential is no live sign-in runs unclaimed (the
route refuses it).

- a retry after the first answered gets that answer again, with
  ``Idempotent-Replayed: true`` (the status, type and body, for 24 hours);
- a retry while the first is still running gets 409 with ``Retry-After: 1``;
- the same key with another method, path or body gets 422;
- a first attempt that failed with a server error (5xx) is forgotten, so a retry runs.

The claim on a key is a row inserted in its own unit of work before the call runs: of
twenty identical calls at once, the unique index lets one run and answers the others 409.
The call's own unit of work marks its claim done as it commits (``mark_done``, status 0),
so what it wrote and the mark commit together:

- a call that failed, or whose answer never went out (the client left, the process was
  killed) before its work committed, leaves its claim unmarked: forgotten (5xx), or taken
  over by a retry once ``STALE``; the late call's commit then finds its claim gone and
  rolls back (409), so two runs never both commit;
- a call whose work committed but whose answer was lost keeps its claim: a retry gets 409
  ``idempotency_answer_lost`` (look the result up), never a second run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.db import Base, UTCDateTime, unit_of_work
from tongban.errors import Conflict, InvalidInput
from tongban.timeutil import utcnow
from tongban.web.errors import respond
from tongban.web.runtime import Runtime

HEADER = "idempotency-key"
LIFETIME = timedelta(hours=24)
STALE = timedelta(minutes=1)  # an unmarked claim this old is a call that died
CLAIM = "idempotency_claim"  # request.state: the id of the claim the call runs under
DONE = 0  # ``status`` once the call's work committed, before its answer is kept
MAX_KEY_LENGTH = 255
MAX_STORED_BODY = 1_000_000  # bytes; a bigger answer is not replayed but still claimed
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class IdempotentRequest(Base):
    """A claimed key: ``status`` is None while the first call runs."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotent_requests_owner_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))  # SHA-256 of the account's id
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path, body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[int | None] = mapped_column(Integer)  # None, DONE, then the HTTP status
    media_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


AccountOf = Callable[[Session, str], int | None]
"""The id of the account a credential is a live sign-in of, else None."""


def _credential(request: Request, session_cookie: str) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(session_cookie)


def _claim(
    runtime: Runtime,
    *,
    credential: str,
    account_of: AccountOf,
    key: str,
    fingerprint: str,
    now: datetime,
) -> int | IdempotentRequest | None:
    """Claim ``key`` for the credential's account: the id of the new claim, else the row
    of the earlier one; None when the credential is no live sign-in."""
    try:
        with unit_of_work(runtime.sessions) as session:
            account = account_of(session, credential)
            if account is None:
                return None
            owner = _sha256(b"account", str(account).encode())
            query = select(IdempotentRequest).where(
                IdempotentRequest.owner == owner, IdempotentRequest.key == key
            )
            earlier = session.scalar(query)
            died = (
                earlier is not None and earlier.status is None and earlier.created_at < now - STALE
            )
            if earlier is not None and earlier.created_at > now - LIFETIME and not died:
                session.expunge(earlier)
                return earlier
            if earlier is not None:
                session.delete(earlier)
                session.flush()
            claim = IdempotentRequest(owner=owner, key=key, fingerprint=fingerprint, created_at=now)
            session.add(claim)
            session.flush()
            return claim.id
    except IntegrityError:  # claimed by a call running at this moment
        return IdempotentRequest(key=key, fingerprint=fingerprint, status=None)


def mark_done(session: Session, *, claim: int) -> None:
    """Mark the claim ``claim`` done in the call's own unit of work, just before it commits.

    Raises ``Conflict`` (the work rolls back) when the claim is no longer this call's: a
    retry took it over after the call was given up for dead."""
    marked = session.execute(
        update(IdempotentRequest)
        .where(IdempotentRequest.id == claim, IdempotentRequest.status.is_(None))
        .values(status=DONE)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            "使用同一 Idempotency-Key 的重试已接手该请求，本次处理未生效。",
            "A retry with the same Idempotency-Key took this request over; this run had no effect.",
            code="idempotency_key_in_use",
        )


def _settle(
    runtime: Runtime, *, claim: int, status: int, media_type: str | None, body: bytes
) -> None:
    """Keep the answer for retries; after a server error forget the claim, unless the
    call's work committed (then a retry must not run it again)."""
    with unit_of_work(runtime.sessions) as session:
        if status >= 500:
            unmarked = IdempotentRequest.status.is_(None)
            session.execute(
                delete(IdempotentRequest).where(IdempotentRequest.id == claim, unmarked)
            )
            return
        row = session.get(IdempotentRequest, claim)
        if row is not None:
            row.status = status
            row.media_type = media_type
            row.body = body if len(body) <= MAX_STORED_BODY else None


def _answer_earlier(request: Request, earlier: IdempotentRequest, fingerprint: str) -> Response:
    if earlier.fingerprint != fingerprint:
        reused = InvalidInput(
            "该 Idempotency-Key 已用于另一请求，请为新的请求换一个新键。",
            "This Idempotency-Key was used for a different request; use a new key.",
            code="idempotency_key_reused",
        )
        return respond(request, reused)
    if earlier.status == DONE:
        lost = Conflict(
            "该请求已经办理完成，但当时的答复未能送达。请在办件列表或相应页面查看结果，不要重复提交。",
            "This request was done, but its answer never reached you. Look the result up "
            "(your cases, or the page concerned) instead of sending it again.",
            code="idempotency_answer_lost",
        )
        return respond(request, lost)
    if earlier.status is None or earlier.body is None:
        running = Conflict(
            "使用同一 Idempotency-Key 的请求正在处理或结果过大无法重放，请稍后查询结果。",
            "A request with this Idempotency-Key is still running (or its answer was too "
            "large to replay); check the result shortly.",
            code="idempotency_key_in_use",
        )
        answer = respond(request, running)
        answer.headers["Retry-After"] = "1"
        return answer
    headers = {"Idempotent-Replayed": "true", "Content-Type": earlier.media_type or ""}
    return Response(earlier.body, status_code=earlier.status, headers=headers)


class IdempotencyKeys:
    """Pure ASGI middleware doing the above around every API write."""

    def __init__(self, app: ASGIApp, *, session_cookie: str, account_of: AccountOf) -> None:
        self.app = app
        self.session_cookie = session_cookie
        self.account_of = account_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = request.headers.get(HEADER)
        credential = _credential(request, self.session_cookie)
        if key is None or not credential or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            invalid = InvalidInput(
                f"Idempotency-Key 须为 1 至 {MAX_KEY_LENGTH} 个可打印字符。",
                f"The Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
                code="idempotency_key_invalid",
            )
            await respond(request, invalid)(scope, receive, send)
            return
        await self._once(scope, send, request, credential, key)

    async def _once(
        self, scope: Scope, send: Send, request: Request, credential: str, key: str
    ) -> None:
        runtime: Runtime = request.app.state.runtime
        body = await request.body()
        fingerprint = _sha256(scope["method"].encode(), scope["path"].encode(), body)
        now = runtime.clock() if runtime.clock else utcnow()
        claim = await run_in_threadpool(
            _claim,
            runtime,
            credential=credential,
            account_of=self.account_of,
            key=key,
            fingerprint=fingerprint,
            now=now,
        )

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        if claim is None:  # no live sign-in: the route refuses it, nothing to claim
            await self.app(scope, replay_body, send)
            return
        if not isinstance(claim, int):
            await _answer_earlier(request, claim, fingerprint)(scope, request.receive, send)
            return
        scope.setdefault("state", {})[CLAIM] = claim
        sent: dict[str, Any] = {"status": 500, "media_type": None, "chunks": [], "kept": False}

        async def settle() -> None:
            sent["kept"] = True
            await run_in_threadpool(
                _settle,
                runtime,
                claim=claim,
                status=sent["status"],
                media_type=sent["media_type"],
                body=b"".join(sent["chunks"]),
            )

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        sent["media_type"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                sent["chunks"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    await settle()  # before the client has the whole answer: a retry replays
            await send(message)

        try:
            await self.app(scope, replay_body, keep)
        finally:
            if not sent["kept"]:
                await settle()  # an error before any answer: forget the claim (5xx)
