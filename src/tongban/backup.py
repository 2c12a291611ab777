"""Backups of the database and the file store (``tongban backup create|restore``).

A backup is a folder: ``manifest.json`` (format, time, database kind, Alembic revision,
rows per table, the SHA-256 of every file), the database, and ``files/`` (the file
store's tree, content-addressed). Restore checks every checksum before it touches
anything, and the row counts after.

How the database is copied:

- SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent copy while
  the server runs; restored by putting the file in place (stop the server first).
- PostgreSQL (or ``logical=True``): a logical dump through SQLAlchemy, one gzipped JSON
  line per row, table by table in foreign-key order, read in one REPEATABLE READ
  transaction (a consistent snapshot). Chosen over ``pg_dump``: nothing outside Python
  needed, no client/server version to match, and the restore builds the schema with the
  project's own migrations (to the backup's revision), so the same code restores into
  either database. Slower than ``pg_dump`` for very large databases.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, Table, func, select, text

from tongban.db import Base, make_engine
from tongban.migrate import upgrade
from tongban.models import load_all
from tongban.pii.types import LookupKey, Sealed, SealedJSON
from tongban.timeutil import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
DUMP_FILE = "database.jsonl.gz"
Progress = Callable[[str, int], None]  # (what, how many more done)


class BackupError(Exception):
    """A backup that cannot be made or restored: says what and where (exit code 1)."""


@dataclass
class Manifest:
    created_at: str
    dialect: str
    kind: str  # "sqlite" (a file) or "logical" (JSON lines)
    revision: str | None
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # path in the backup → SHA-256
    format: int = FORMAT


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[Table]:
    load_all()
    return list(Base.metadata.sorted_tables)


def _as_stored(table: Table) -> Table:
    """``table`` with its sealed and keyed-hash columns typed as they are stored: a logical
    dump carries the sealed values and the hashes as they are, never the plaintext, and a
    restore writes them back unchanged (their data keys travel wrapped, in ``data_keys``;
    sealing again would use whatever key the restoring process holds)."""
    columns = [
        Column(
            c.name,
            c.type.impl_instance if isinstance(c.type, Sealed | SealedJSON | LookupKey) else c.type,
            primary_key=c.primary_key,
        )
        for c in table.columns
    ]
    return Table(table.name, MetaData(), *columns)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the models."""
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in _tables()}


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        [(tag, inner)] = value.items()
        decoders: dict[str, Callable[[str], Any]] = {
            "$dt": datetime.fromisoformat,
            "$date": date.fromisoformat,
            "$b64": base64.b64decode,
            "$dec": Decimal,
        }
        if tag in decoders:
            return decoders[tag](inner)
    return value


def _dump(engine: Engine, target: Path, progress: Progress) -> dict[str, int]:
    counts: dict[str, int] = {}
    snapshot = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with (
        engine.connect().execution_options(**snapshot) as conn,
        conn.begin(),  # one transaction: one snapshot of every table
        gzip.open(target, "wt", encoding="utf-8") as out,
    ):
        for table in _tables():
            counts[table.name] = 0
            for row in conn.execute(select(_as_stored(table))).mappings():
                values = {key: _encode(value) for key, value in row.items()}
                out.write(json.dumps({"t": table.name, "r": values}, ensure_ascii=False) + "\n")
                counts[table.name] += 1
            progress("database", 1)
    return counts


def _copy_sqlite(engine: Engine, target: Path, progress: Progress) -> dict[str, int]:
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.driver_connection.backup(copy)  # type: ignore[union-attr]
        copy.close()
    finally:
        source.close()
    progress("database", len(_tables()))
    snapshot = make_engine(f"sqlite:///{target}")
    try:
        return row_counts(snapshot)
    finally:
        snapshot.dispose()


def _store_files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def create(
    *,
    engine: Engine,
    store: Path,
    target: Path,
    logical: bool = False,
    progress: Progress = lambda what, n: None,
) -> Manifest:
    """Write a backup of the database of ``engine`` and the file store folder ``store``
    into the new or empty folder ``target``; returns its manifest.

    Raises ``BackupError`` when ``target`` holds anything already.
    """
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录不是空的 / the backup folder is not empty: {target}")
    target.mkdir(parents=True, exist_ok=True)
    revision = _revision(engine)
    sqlite = engine.dialect.name == "sqlite" and not logical
    name = SQLITE_FILE if sqlite else DUMP_FILE
    counts = (_copy_sqlite if sqlite else _dump)(engine, target / name, progress)
    manifest = Manifest(
        utcnow().isoformat(),
        engine.dialect.name,
        "sqlite" if sqlite else "logical",
        revision,
        counts,
    )
    manifest.files[name] = _sha256(target / name)
    for path in _store_files(store):
        relative = Path("files") / path.relative_to(store)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        manifest.files[relative.as_posix()] = _sha256(target / relative)
        progress("files", 1)
    (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup in ``source``, every file's checksum checked.

    Raises ``BackupError`` naming the first missing or changed file.
    """
    try:
        manifest = Manifest(**json.loads((source / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise BackupError(
            f"没有可读的备份清单 / no readable manifest in {source}: {error}"
        ) from error
    if manifest.format != FORMAT:
        raise BackupError(f"备份格式 {manifest.format} 不受支持 / unsupported format")
    for name, digest in manifest.files.items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"备份文件缺失或已改变 / file missing or changed: {name}")
    return manifest


def _has_rows(engine: Engine) -> bool:
    try:
        return any(row_counts(engine).values())
    except Exception:  # no tables yet (an empty database): nothing to lose
        return False


def _wipe(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        return
    path = Path(engine.url.database or "")
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _later_references(tables: list[Table]) -> dict[str, list[str]]:
    """Per table, its foreign-key columns that point at a table loaded after it (or at
    itself): a cycle such as a catalog entry and its current version. They are loaded
    empty and set once every row is in."""
    order = {table.name: index for index, table in enumerate(tables)}
    return {
        table.name: [
            fk.parent.name
            for fk in table.foreign_keys
            if order.get(fk.column.table.name, -1) >= order[table.name] and fk.parent.nullable
        ]
        for table in tables
    }


def _load(engine: Engine, dump: Path, progress: Progress) -> None:
    ordered = _tables()
    tables = {t.name: _as_stored(t) for t in ordered}
    later = _later_references(ordered)
    pending: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []  # table, key, values
    with engine.begin() as conn, gzip.open(dump, "rt", encoding="utf-8") as lines:
        for table in reversed(ordered):  # rows the migrations wrote themselves
            conn.execute(tables[table.name].delete())
        batch: list[dict[str, Any]] = []
        current: Table | None = None
        for line in lines:
            entry = json.loads(line)
            table = tables[entry["t"]]
            if current is not None and (table is not current or len(batch) >= 500):
                conn.execute(current.insert(), batch)
                batch = []
                progress("database", table is not current)
            current = table
            row = {key: _decode(value) for key, value in entry["r"].items()}
            cut = {name: row[name] for name in later[table.name] if row.get(name) is not None}
            if cut:
                key = {c.name: row[c.name] for c in table.primary_key.columns}
                pending.append((table, key, cut))
                row = {**row, **dict.fromkeys(cut)}
            batch.append(row)
        if batch and current is not None:
            conn.execute(current.insert(), batch)
        for table, key, values in pending:
            where = [table.c[name] == value for name, value in key.items()]
            conn.execute(table.update().where(*where).values(values))
        if engine.dialect.name == "postgresql":
            for table in ordered:
                if "id" in table.c and table.c.id.primary_key:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
                        )
                    )


def restore(
    *,
    source: Path,
    url: str,
    store: Path,
    replace: bool = False,
    progress: Progress = lambda what, n: None,
) -> Manifest:
    """Put the backup in ``source`` back: the database at ``url`` (emptied first when
    ``replace``) and the files into the store folder ``store``; returns the manifest.

    Raises ``BackupError`` for a changed or missing file of the backup (nothing touched
    then), a database that holds rows without ``replace``, a SQLite file backup restored
    into PostgreSQL, or row counts that differ afterwards.
    """
    manifest = read_manifest(source)
    engine = make_engine(url)
    try:
        if _has_rows(engine) and not replace:
            raise BackupError(
                "目标数据库已有数据；确认要覆盖请加 --replace / the database holds data: "
                "add --replace to overwrite it"
            )
        if manifest.kind == "sqlite" and engine.dialect.name != "sqlite":
            raise BackupError(
                "SQLite 文件备份只能恢复到 SQLite / a SQLite file backup restores only into SQLite"
            )
        _wipe(engine)
        if manifest.kind == "sqlite":
            shutil.copy2(source / SQLITE_FILE, Path(engine.url.database or ""))
            progress("database", len(manifest.tables))
        else:
            upgrade(url, manifest.revision or "base")
            _load(engine, source / DUMP_FILE, progress)
        for name in manifest.files:
            if name.startswith("files/"):
                path = store / Path(name).relative_to("files")
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, path)
                progress("files", 1)
        engine.dispose()
        found = row_counts(engine)
    finally:
        engine.dispose()
    if found != manifest.tables:
        wrong = {t: (n, found.get(t)) for t, n in manifest.tables.items() if found.get(t) != n}
        raise BackupError(f"恢复后行数不符 / row counts differ after restore: {wrong}")
    return manifest
