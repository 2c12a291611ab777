"""The audit trail is a hash chain: altering, deleting or reordering any entry, inserting
one by hand or cutting the newest off is found, and names the first broken entry."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import structlog
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests import figures
from tests.conftest import START, audit_guard_lifted
from tongban.accounts.models import User
from tongban.audit import chain
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.audit.verify import Anchor, Break, anchors_in_log, run_due_anchor, verify_chain
from tongban.cli import app, base
from tongban.db import make_engine
from tongban.migrate import upgrade
from tongban.outbox.models import OutboxMessage
from tongban.web.runtime import Runtime

ENTRIES = 5


def _write(session: Session, count: int = ENTRIES, *, tag: str = "t") -> list[AuditEntry]:
    entries = [
        audit.record(
            session,
            at=START + timedelta(minutes=i),
            action="test.tamper",
            actor=audit.Actor(id=None, name=f"审计测试{i}"),
            object_type="test",
            object_id=f"{tag}{i}",
            opinion=f"意见 {i}",
            data={"n": i, "list": [1, "二"]},
        )
        for i in range(count)
    ]
    session.commit()
    return entries


@pytest.fixture
def written(db: Session) -> Iterator[list[AuditEntry]]:
    """Entries written and sealed; then the database's own refusal to change them
    (``tests/audit/test_append_only.py``) is lifted, as the table's owner could, to show
    the chain finds what such a person does."""
    assert verify_chain(db).ok  # the demo data's own entries form a chain already
    entries = _write(db)
    with audit_guard_lifted(db.connection()):
        yield entries


def _tried(found: bool) -> None:
    """Count a tampering (altered, deleted, reordered, inserted, cut off) for the summary
    line, before the test asserts it was found."""
    figures.count("audit tampering", attempts=1, detected=int(found))


def _tampered(db: Session, change: Callable[[], None]) -> Break | None:
    """Apply ``change`` in a savepoint, verify, undo; returns where it was found broken."""
    savepoint = db.begin_nested()
    change()
    report = verify_chain(db)
    savepoint.rollback()
    db.expire_all()
    assert verify_chain(db).ok
    return report.broken


def test_committed_entries_form_a_verified_chain(db: Session, written: list[AuditEntry]) -> None:
    seqs = [entry.seq for entry in written]
    assert None not in seqs and seqs == list(range(seqs[0], seqs[0] + ENTRIES))
    for before, after in itertools.pairwise(written):
        assert after.prev_hash == before.hash
    report = verify_chain(db)
    assert report.ok and report.head_seq == written[-1].seq and report.head_hash == written[-1].hash


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("opinion", "'改过的意见'"),
        ("actor_name", "'别人'"),
        ("action", "'test.other'"),
        ("at", "at"),  # replaced below by a moved time
        ("data", "'{\"n\": 99}'"),
        ("hash", "'" + "0" * 64 + "'"),
    ],
)
def test_altering_any_entry_names_it(
    db: Session, written: list[AuditEntry], column: str, value: str
) -> None:
    for victim in written:
        new = (
            f"'{(START + timedelta(days=1)).replace(tzinfo=None).isoformat(sep=' ')}'"
            if column == "at"
            else value
        )
        sql = text(f"UPDATE audit_entries SET {column} = {new} WHERE id = :id")
        broken = _tampered(db, lambda v=victim, s=sql: db.execute(s, {"id": v.id}) and None)
        _tried(broken is not None and broken.seq == victim.seq)
        assert broken is not None and broken.seq == victim.seq, (column, victim.seq)


def test_deleting_any_entry_but_the_newest_names_the_gap(
    db: Session, written: list[AuditEntry]
) -> None:
    for victim in written[:-1]:
        sql = text("DELETE FROM audit_entries WHERE id = :id")
        broken = _tampered(db, lambda v=victim, s=sql: db.execute(s, {"id": v.id}) and None)
        _tried(broken is not None and broken.seq == victim.seq + 1)
        assert broken is not None and broken.seq == victim.seq + 1


def test_cutting_off_the_newest_is_found_by_the_logged_anchor(
    db: Session, written: list[AuditEntry]
) -> None:
    anchor = Anchor(written[-1].seq or 0, written[-1].hash or "")
    savepoint = db.begin_nested()
    db.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": written[-1].id})
    assert verify_chain(db).ok  # consistent in itself: only the anchor shows it
    report = verify_chain(db, anchors=[anchor])
    savepoint.rollback()
    _tried(report.broken is not None and report.broken.seq == anchor.seq)
    assert report.broken is not None and report.broken.seq == anchor.seq
    assert "cut short" in report.broken.reason
    assert verify_chain(db, anchors=[anchor]).ok


def test_reordering_entries_is_found(db: Session, written: list[AuditEntry]) -> None:
    for first, second in itertools.pairwise(written):

        def swap(a: AuditEntry = first, b: AuditEntry = second) -> None:
            db.execute(text("UPDATE audit_entries SET seq = -1 WHERE id = :id"), {"id": a.id})
            db.execute(
                text("UPDATE audit_entries SET seq = :s WHERE id = :id"), {"s": a.seq, "id": b.id}
            )
            db.execute(
                text("UPDATE audit_entries SET seq = :s WHERE id = :id"), {"s": b.seq, "id": a.id}
            )

        broken = _tampered(db, swap)
        _tried(broken is not None and broken.seq == first.seq)
        assert broken is not None and broken.seq == first.seq

        def swap_content(a: AuditEntry = first, b: AuditEntry = second) -> None:
            for entry, other in ((a, b), (b, a)):
                db.execute(
                    text("UPDATE audit_entries SET object_id = :o WHERE id = :id"),
                    {"o": other.object_id, "id": entry.id},
                )

        broken = _tampered(db, swap_content)
        _tried(broken is not None and broken.seq == first.seq)
        assert broken is not None and broken.seq == first.seq


def test_an_entry_inserted_by_hand_is_outside_the_chain(
    db: Session, written: list[AuditEntry]
) -> None:
    def insert() -> None:
        db.execute(
            text(
                "INSERT INTO audit_entries (at, action, actor_name, object_type, object_id, data)"
                " VALUES (:at, 'case.approved', '伪造', 'case', '1', '{}')"
            ),
            {"at": START.replace(tzinfo=None)},
        )

    savepoint = db.begin_nested()
    insert()
    report = verify_chain(db)
    savepoint.rollback()
    _tried(report.broken is not None and report.broken.seq is None)
    assert report.broken is not None and report.broken.seq is None
    assert "inserted by hand" in report.broken.reason


def test_an_entry_rolled_back_leaves_the_chain_whole(db: Session) -> None:
    savepoint = db.begin_nested()
    _write_uncommitted(db, "gone")
    savepoint.rollback()
    _write(db, 2, tag="kept")
    assert verify_chain(db).ok


def test_a_savepoint_neither_seals_nor_drops_the_entries_of_its_transaction(
    db: Session,
) -> None:
    """Sealing waits for the transaction's commit (a savepoint's release is not one), and a
    savepoint rolled back takes only its own entries with it."""
    _write_uncommitted(db, "before")
    with db.begin_nested():
        _write_uncommitted(db, "released")
    savepoint = db.begin_nested()
    _write_uncommitted(db, "gone")
    savepoint.rollback()
    kept = select(AuditEntry).where(AuditEntry.action == "test.race")
    assert [entry.seq for entry in db.scalars(kept)] == [None] * 4
    db.commit()
    sealed = db.scalars(kept.order_by(AuditEntry.id)).all()
    assert [entry.object_id for entry in sealed] == ["before0", "before1", "released0", "released1"]
    assert all(entry.seq is not None for entry in sealed)
    assert verify_chain(db).ok


def test_an_entry_read_inside_a_savepoint_rolled_back_is_still_committed(db: Session) -> None:
    """Entries wait for the commit; a read of the trail writes them first. Written by a
    read inside a savepoint that is then rolled back, an entry recorded before the
    savepoint is written again at the commit, sealed, with its message to the applicant."""
    entry = audit.record(
        db,
        at=START,
        action="case.submit",
        actor=audit.SYSTEM,
        object_type="case",
        object_id="before-savepoint",
        subject_id=db.scalar(select(User.id).limit(1)),
    )
    savepoint = db.begin_nested()
    seen = select(AuditEntry.object_id).where(AuditEntry.object_id == "before-savepoint")
    assert db.scalars(seen).all() == ["before-savepoint"]  # written for the read
    savepoint.rollback()
    db.commit()
    stored = db.scalars(select(AuditEntry).where(AuditEntry.object_id == "before-savepoint"))
    [row] = stored.all()
    assert row.id == entry.id and row.seq is not None
    told = select(OutboxMessage.topic).where(OutboxMessage.audit_entry_id == row.id)
    assert db.scalars(told).all() == ["case_received"]
    assert verify_chain(db).ok


def test_the_worker_anchors_the_head_in_the_log_only_when_it_moved(
    db: Session, written: list[AuditEntry]
) -> None:
    with structlog.testing.capture_logs() as logs:
        first = run_due_anchor(db)
        again = run_due_anchor(db)
    assert first == [f"{written[-1].seq}:{written[-1].hash}"] and again == []
    assert [log["event"] for log in logs] == ["audit.anchor"]
    line = json.dumps({"event": "audit.anchor", "seq": logs[0]["seq"], "hash": logs[0]["hash"]})
    assert anchors_in_log(["other line", line]) == [
        Anchor(written[-1].seq or 0, written[-1].hash or "")
    ]


def test_the_plain_verify_finds_the_newest_entries_cut_off_after_the_worker_anchored(
    monkeypatch: pytest.MonkeyPatch, runtime: Runtime, db: Session
) -> None:
    """Trial 12, fault 1: entries deleted off the end (triggers dropped) left a chain that
    ``tongban audit verify`` without options called intact; the worker's stored head shows it."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    written = _write(db)
    run_due_anchor(db)
    db.commit()
    runner = CliRunner()
    try:
        whole = runner.invoke(app, ["audit", "verify"])
        with audit_guard_lifted(db.connection()):
            db.execute(text("DELETE FROM audit_entries WHERE id >= :id"), {"id": written[-2].id})
        db.commit()
        cut = runner.invoke(app, ["audit", "verify"])
    finally:
        structlog.reset_defaults()
    assert whole.exit_code == 0 and "1 anchors" in whole.output, whole.output
    assert cut.exit_code == 1 and "audit chain broken" in cut.output
    assert f"seq={written[-1].seq}" in cut.output and "cut short" in cut.output


def test_the_stored_head_only_moves_forward(db: Session) -> None:
    written = _write(db)
    run_due_anchor(db)
    db.flush()
    for statement in ("UPDATE audit_head SET seq = seq - 1", "DELETE FROM audit_head"):
        with pytest.raises(DBAPIError, match="only moves forward"), db.begin_nested():
            db.execute(text(statement))
    assert db.scalar(text("SELECT seq FROM audit_head")) == written[-1].seq


def test_verify_command_passes_then_names_the_altered_entry(
    monkeypatch: pytest.MonkeyPatch, runtime: Runtime, db: Session, tmp_path: Path
) -> None:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    written = _write(db)
    runner = CliRunner()
    try:
        fine = runner.invoke(app, ["audit", "verify"])
        assert fine.exit_code == 0, fine.output
        assert "audit chain intact" in fine.output
        log = tmp_path / "tongban.log"
        log.write_text(
            json.dumps({"event": "audit.anchor", "seq": written[-1].seq, "hash": written[-1].hash})
            + "\n",
            encoding="utf-8",
        )
        anchored = runner.invoke(app, ["audit", "verify", "--anchors-from", str(log)])
        assert anchored.exit_code == 0 and "1 anchors" in anchored.output
        with audit_guard_lifted(db.connection()):
            db.execute(
                text("UPDATE audit_entries SET opinion = 'x' WHERE id = :id"),
                {"id": written[2].id},
            )
        db.commit()
        broken = runner.invoke(app, ["audit", "verify"])
    finally:
        structlog.reset_defaults()
    assert broken.exit_code == 1
    assert f"seq={written[2].seq} id={written[2].id}" in broken.output
    assert "altered" in broken.output


def test_verify_reads_the_default_log_and_refuses_a_log_without_anchors(
    monkeypatch: pytest.MonkeyPatch, runtime: Runtime, db: Session, tmp_path: Path
) -> None:
    """``make run`` logs in console lines, not JSON: their anchors catch a cut chain, and a
    log holding none is an error, never a silent pass."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    written = _write(db)
    last = written[-1]
    console = tmp_path / "run.log"
    console.write_text(
        "INFO:     Uvicorn running on http://127.0.0.1:8000\n"
        f"2026-12-02T10:55:11.181034Z [info     ] audit.anchor                   "
        f"hash={last.hash} seq={last.seq}\n",
        encoding="utf-8",
    )
    empty = tmp_path / "other.log"
    empty.write_text("INFO:     Application startup complete.\n", encoding="utf-8")
    runner = CliRunner()
    try:
        nothing = runner.invoke(app, ["audit", "verify", "--anchors-from", str(empty)])
        anchored = runner.invoke(app, ["audit", "verify", "--anchors-from", str(console)])
        with audit_guard_lifted(db.connection()):
            db.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": last.id})
        db.commit()
        cut = runner.invoke(app, ["audit", "verify", "--anchors-from", str(console)])
    finally:
        structlog.reset_defaults()
    assert nothing.exit_code == 2 and "no audit anchors" in nothing.output
    assert anchored.exit_code == 0 and "1 anchors" in anchored.output
    assert cut.exit_code == 1 and "audit chain broken" in cut.output


def test_two_transactions_committing_at_once_do_not_fork_the_chain(
    committing_engine: Engine,
) -> None:
    """The first holds the chain's lock (sealed, not yet committed); the second, committing
    meanwhile, must wait and chain after it, not after the same head."""
    first = Session(committing_engine)
    _write_uncommitted(first, "race-a")
    chain.seal(first)  # takes the lock, appends after the head
    done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with Session(committing_engine) as second:
                _write(second, 2, tag="race-b")
        except BaseException as error:
            errors.append(error)
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not done.wait(1.0)  # waits for the chain's lock (or SQLite's write lock)
    first.commit()
    first.close()
    thread.join(timeout=20)
    assert not errors, errors
    with Session(committing_engine) as check:
        a = check.scalars(select(AuditEntry).where(AuditEntry.object_id.like("race-a%"))).all()
        b = check.scalars(select(AuditEntry).where(AuditEntry.object_id.like("race-b%"))).all()
        assert b[0].prev_hash == a[-1].hash and b[0].seq == (a[-1].seq or 0) + 1
        assert verify_chain(check).ok


def _write_uncommitted(session: Session, tag: str) -> None:
    for i in range(2):
        audit.record(
            session,
            at=START,
            action="test.race",
            actor=audit.SYSTEM,
            object_type="test",
            object_id=f"{tag}{i}",
        )


def test_the_migration_chains_the_entries_written_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0009_sharing")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for i in range(3):
                conn.execute(
                    text(
                        "INSERT INTO audit_entries (at, action, actor_name, object_type,"
                        " object_id, data) VALUES (:at, 'case.submitted', '张三', 'case', :o,"
                        " :d)"
                    ),
                    {"at": START.replace(tzinfo=None), "o": str(i), "d": '{"号": [1, 2.5]}'},
                )
        upgrade(url)
        with Session(engine) as session:
            report = verify_chain(session)
            assert report.ok and report.checked == 3
            _write(session, 2, tag="after")
            assert verify_chain(session).checked == 5
    finally:
        engine.dispose()


def test_entries_recorded_as_rows_are_sealed_in_order_with_the_others(db: Session) -> None:
    """A worker's sweep records its entries as rows (``record_rows``: no object per entry);
    recorded between entries recorded one by one, they take their places in the chain in
    the order recorded, and the chain verifies."""
    first = _write(db, 1, tag="before")[0]
    rows = [
        audit.entry_row(
            at=START,
            action="test.rows",
            actor=audit.SYSTEM,
            object_type="test",
            object_id=f"row{i}",
            data={"n": i},
        )
        for i in range(3)
    ]
    audit.record_rows(db, rows)
    last = _write(db, 1, tag="after")[0]
    assert first.seq is not None and last.seq == first.seq + 4
    sealed = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "test.rows").order_by(AuditEntry.seq)
    ).all()
    assert [entry.object_id for entry in sealed] == ["row0", "row1", "row2"]
    assert [entry.seq for entry in sealed] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert sealed[0].prev_hash == first.hash and last.prev_hash == sealed[-1].hash
    assert verify_chain(db).ok
