"""``tongban document verify FILE``: verify a decision's or notice's PDF (决定书、通知书) by
its embedded PDF signature, as e-licences are (``tongban licence verify``).

With ``--offline`` only the file and the deployment's PDF keys are seen: the signature
must be one of ours over the whole file, and the document is the one its own QR link
names. Without it, the number and code of that link are also looked up among the
documents issued (a file printed before documents were signed is then compared with the
stored original). Exit status: 0 valid, 1 any other answer, 2 the file cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tongban.cases import service as cases
from tongban.cli import base
from tongban.db import reading_session
from tongban.documents import pades
from tongban.documents import verify as document_verify
from tongban.documents.official import address_in
from tongban.documents.verify import FileProblem, FileVerdict

app = typer.Typer(
    help="Official documents (决定书、通知书): verify a file by its signature.",
    no_args_is_help=True,
)
NO_ADDRESS = (
    "no_address\t文件中找不到本平台文书的核验信息（二维码链接）：不是本平台出具的决定书或通知书"
    "（电子证照请用 tongban licence verify）。"
)
UNKNOWN = "unknown\t没有文号和核验码与此相符的文书。"


def _report(verdict: FileVerdict, problem: FileProblem | None, number: str) -> None:
    zh = document_verify.REASONS[problem][0] if problem else document_verify.VALID[0]
    typer.echo(f"{verdict.value}\t{zh}")
    typer.echo(f"  number: {number}")


def _offline(data: bytes) -> tuple[FileVerdict, FileProblem | None, str] | None:
    """The verdict from the file and the PDF keys alone (None: no address of ours)."""
    checked = document_verify.check_file(data, pades.keyring(base.load_settings()).keys())
    if checked.address is None:
        return None
    number, code = checked.address
    problem = document_verify.problem_of(checked, number=number, code=code)
    return document_verify.verdict_of(problem), problem, number


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The decision's or notice's PDF")],
    offline: Annotated[
        bool, typer.Option(help="Do not look the document up among those issued")
    ] = False,
) -> None:
    """Report valid / tampered / unchecked for a decision's or notice's PDF."""
    try:
        data = file.read_bytes()
    except OSError as error:
        typer.echo(f"无法读取文件 {file}: {error}", err=True)
        raise typer.Exit(2) from error
    if offline:
        found = _offline(data)
        if found is None:
            typer.echo(NO_ADDRESS)
            raise typer.Exit(1)
        verdict, problem, number = found
        _report(verdict, problem, number)
        raise typer.Exit(0 if verdict == FileVerdict.valid else 1)
    address = address_in(data)
    if address is None:
        typer.echo(NO_ADDRESS)
        raise typer.Exit(1)
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        check = cases.verify_document(
            session, number=address[0], code=address[1], store=runtime.store, data=data
        )
        if check.document is None or check.verdict is None:
            typer.echo(UNKNOWN if check.document is None else "pending\t文书文件正在生成。")
            raise typer.Exit(1)
        _report(check.verdict, check.problem, str(check.document.number))
        typer.echo(f"  title: {check.document.title}\n  issuer: {check.issuer}")
    raise typer.Exit(0 if check.verdict == FileVerdict.valid else 1)
