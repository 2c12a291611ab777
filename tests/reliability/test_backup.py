"""Backup and restore round trip: cases with uploaded files and a licence are committed,
backed up (the SQLite online copy, and the logical dump PostgreSQL uses), restored into an
empty database and file store; the row counts match, the audit chain verifies, every
stored file reads back the same. A changed file in a backup is refused before anything is
touched, and a database holding data is not overwritten without ``--replace``.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tests import figures
from tongban import backup
from tongban.accounts import service as accounts
from tongban.audit.verify import verify_chain
from tongban.cases import service as cases
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.cli import app
from tongban.config import get_settings
from tongban.db import make_engine, unit_of_work
from tongban.demo.samples import attach_materials, fill_form
from tongban.files.store import LocalFileStore
from tongban.licences.issuing import issue_licence
from tongban.licences.printing import print_licence
from tongban.migrate import upgrade

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
ITEM = "3501-RS-003"
LICENCE_ITEM = "3501-SCJG-001"  # 营业执照


def _commit_work(engine: Engine, store: LocalFileStore) -> None:
    """Two submitted cases with their files, and an issued licence with its PDF."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as session:
        applicant = accounts.find_user(session, username="zhangsan")
        enterprise = accounts.find_user(session, username="minfeng")
        assert applicant and enterprise
        for _ in range(2):
            spec = catalog.get_entry(session, code=ITEM).current_version
            assert spec is not None
            form = fill_form(spec.definition["form"])
            case = cases.create_case(
                session, applicant=applicant, code=ITEM, form_data=form, now=NOW
            )
            attach_materials(session, case=case, user=applicant, store=store, now=NOW)
            cases.submit_case(session, case_id=case.id, user=applicant, now=NOW, store=store)
        version = catalog.get_entry(session, code=LICENCE_ITEM).current_version
        assert version is not None
        form = fill_form(version.definition["form"])
        licensed = cases.create_case(
            session, applicant=enterprise, code=LICENCE_ITEM, form_data=form, now=NOW
        )
        session.flush()
        licensed.form_data = {**form, "credit_code": "91350102MA2XQ1K7XN"}
        item = cases.spec_of(session, licensed)["items"][0]
        licence = issue_licence(session, case=licensed, item=item, document=None, now=NOW)
        print_licence(session, licence=licence, store=store, now=NOW)  # the worker's job


def _check_restored(url: str, store: Path, manifest: backup.Manifest, original: Path) -> int:
    """Rows as in the manifest, the audit chain intact, every stored file the same."""
    restored = make_engine(url)
    try:
        assert backup.row_counts(restored) == manifest.tables
        with Session(restored) as session:
            assert verify_chain(session).ok
            keys = session.scalars(
                select(Material.storage_key).where(Material.storage_key.is_not(None))
            )
            files = LocalFileStore(store)
            checked = 0
            for key in keys:
                assert files.get(key) == LocalFileStore(original).get(key)
                checked += 1
            assert session.scalar(select(Case.id).limit(1)) is not None
        return checked
    finally:
        restored.dispose()


@pytest.mark.usefixtures("committing_engine")
def test_round_trip_restores_rows_chain_and_files(engine: Engine, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _commit_work(engine, LocalFileStore(store))
    kinds = {"online": False, "logical": True}
    refused = 0
    for name, logical in kinds.items():
        folder = tmp_path / f"backup-{name}"
        manifest = backup.create(engine=engine, store=store, target=folder, logical=logical)
        assert manifest.tables["cases"] >= 3 and manifest.tables["licences"] >= 1
        if logical:  # the dump holds sealed values as sealed, never a person's name
            dump = gzip.decompress((folder / backup.DUMP_FILE).read_bytes()).decode()
            assert "tb1:" in dump and "张三" not in dump
        url = f"sqlite:///{tmp_path / f'restored-{name}.sqlite3'}"
        restored_store = tmp_path / f"store-{name}"
        backup.restore(source=folder, url=url, store=restored_store)
        files = _check_restored(url, restored_store, manifest, store)
        with pytest.raises(backup.BackupError, match="--replace"):
            backup.restore(source=folder, url=url, store=restored_store)
        refused += 1
        backup.restore(source=folder, url=url, store=restored_store, replace=True)
        victim = next(p for p in sorted((folder / "files").rglob("*")) if p.is_file())
        victim.write_bytes(victim.read_bytes() + b"x")
        with pytest.raises(backup.BackupError, match="changed"):
            backup.restore(source=folder, url=url, store=restored_store, replace=True)
        refused += 1
        figures.count(
            "backup round trip",
            backups=1,
            rows=sum(manifest.tables.values()),
            files_read_back=files,
            differences=0,
            bad_restores_refused=refused,
        )
        refused = 0


def test_the_commands_say_what_happened_with_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tongban backup create|restore`` on a fresh SQLite database: 0, then 1 when the
    backup folder is not empty or a file was changed."""
    env = {
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TONGBAN_FILE_STORE_PATH": str(tmp_path / "files"),
        "TONGBAN_ENVIRONMENT": "test",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        _commands(env, tmp_path)
    finally:
        get_settings.cache_clear()  # the next test reads its own settings
        structlog.reset_defaults()  # the command logged to the runner's stream, now closed


def _commands(env: dict[str, str], tmp_path: Path) -> None:
    upgrade(env["TONGBAN_DATABASE_URL"])
    LocalFileStore(tmp_path / "files").put(b"%PDF-1.4 a file")
    runner = CliRunner()
    made = runner.invoke(app, ["backup", "create", str(tmp_path / "b")], env=env)
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output
    again = runner.invoke(app, ["backup", "create", str(tmp_path / "b")], env=env)
    assert again.exit_code == 1 and "not empty" in again.output
    back = runner.invoke(app, ["backup", "restore", str(tmp_path / "b"), "--replace"], env=env)
    assert back.exit_code == 0, back.output
    [stored] = [p for p in (tmp_path / "b" / "files").rglob("*") if p.is_file()]
    stored.write_bytes(b"changed")
    broken = runner.invoke(app, ["backup", "restore", str(tmp_path / "b"), "--replace"], env=env)
    assert broken.exit_code == 1 and "changed" in broken.output
