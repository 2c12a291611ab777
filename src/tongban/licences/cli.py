"""``tongban licence …``: verify an e-licence file, and rotate the signing key.

``verify FILE`` checks the signature and the face with the deployment's keys; unless
``--offline`` it also asks the licence library for the status (revoked, suspended,
cancelled). Exit status: 0 valid, 1 any other verdict, 2 the file cannot be read.
``rotate-key`` makes a new record key, ``rotate-pdf-key`` a new key of the signatures
embedded in the PDFs; older keys of both still verify what they signed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.config import get_settings
from tongban.db import make_engine
from tongban.licences import issuing  # noqa: F401 — the tables a licence refers to
from tongban.licences.enums import VERDICT_NAMES_ZH, Verdict
from tongban.licences.setup import configure
from tongban.licences.verify import Verification, verify_file
from tongban.timeutil import utcnow

app = typer.Typer(
    help="E-licences (电子证照): verify a file, rotate the signing keys.", no_args_is_help=True
)


def _report(found: Verification) -> None:
    """The verdict and why, in Chinese then English, then what the licence says."""
    typer.echo(f"{found.verdict.value}\t{VERDICT_NAMES_ZH[found.verdict]}：{found.reason_zh}")
    typer.echo(f"  {found.reason_en}")
    if found.record:
        for key in (
            "name",
            "number",
            "identifier",
            "holder_name",
            "issuer_name",
            "valid_until",
            "key_id",
        ):
            typer.echo(f"  {key}: {found.record.get(key) or '长期'}")


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The licence PDF")],
    offline: Annotated[bool, typer.Option(help="Do not look the status up in the library")] = False,
) -> None:
    """Report valid / suspended / revoked / cancelled / expired / tampered for a PDF."""
    try:
        data = file.read_bytes()
    except OSError as error:
        typer.echo(f"无法读取文件 {file}: {error}", err=True)
        raise typer.Exit(2) from error
    settings = get_settings()
    setup = configure(settings)
    today = timefmt.local(utcnow()).date()
    if offline:
        found = verify_file(
            None, keyring=setup.keyring, pdf_keyring=setup.pdf_keyring, data=data, today=today
        )
    else:
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            found = verify_file(
                session,
                keyring=setup.keyring,
                pdf_keyring=setup.pdf_keyring,
                data=data,
                today=today,
            )
        engine.dispose()
    _report(found)
    raise typer.Exit(0 if found.verdict == Verdict.valid else 1)


@app.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key of the configured algorithm; older keys still verify."""
    key = configure(get_settings()).keyring.rotate()
    typer.echo(f"{key.key_id}\t{key.algorithm.value}\t{key.public.hex()}")


@app.command("rotate-pdf-key")
def rotate_pdf_key() -> None:
    """Make a new ECDSA P-256 key for the signatures embedded in licence PDFs (PAdES)."""
    key = configure(get_settings()).pdf_keyring.rotate()
    typer.echo(f"{key.key_id}\t{key.algorithm.value}\t{key.public.hex()}")
