"""The files domain promises: only files of an allowed type whose bytes are a whole file
of that type (``files.content``) and whose size is within the limit are stored;
everything else gets a clear reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from tongban.errors import InvalidInput
from tongban.files.content import Unreadable, unreadable

# Magic numbers: the declared extension must agree with what the bytes are.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "ofd": (b"PK\x03\x04", "application/ofd"),
}
ALIASES = {"jpeg": "jpg"}


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    extension: str
    content_type: str
    size: int


def check_upload(
    *, filename: str, data: bytes, allowed: list[str] | None, max_bytes: int
) -> CheckedUpload:
    """Check name, size and type of an upload; raise InvalidInput saying what to fix."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "upload"
    extension = ALIASES.get(name.rsplit(".", 1)[-1].lower(), name.rsplit(".", 1)[-1].lower())
    permitted = allowed or list(SIGNATURES)
    if not data:
        raise InvalidInput(f"文件“{name}”是空的，请重新选择。", f"'{name}' is empty.", field="file")
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    if "." not in name or extension not in permitted:
        kinds = "、".join(kind.upper() for kind in permitted)
        raise InvalidInput(
            f"文件“{name}”的格式不受支持，请上传 {kinds} 格式。",
            f"'{name}' has an unsupported type; upload {', '.join(permitted)}.",
            field="file",
        )
    magic, content_type = SIGNATURES[extension]
    if not data.startswith(magic):
        raise InvalidInput(
            f"文件“{name}”的内容不是 {extension.upper()} 格式，请检查后重新上传。",
            f"The content of '{name}' is not {extension.upper()}.",
            field="file",
        )
    problem = unreadable(extension, data)
    if problem is not None:
        raise _unreadable(name, extension, problem)
    return CheckedUpload(name, extension, content_type, len(data))


def too_large(name: str, max_bytes: int) -> InvalidInput:
    """The refusal of the file ``name`` past ``max_bytes`` (whole megabytes), as every
    upload says it: here, when a body past the request limit drops it (``web.limits``),
    and in the browser before it is sent (``static/form.js``, same words)."""
    limit_mb = max_bytes // (1024 * 1024)
    return InvalidInput(
        f"文件“{name}”超过 {limit_mb} MB，请压缩后再上传。",
        f"'{name}' is larger than {limit_mb} MB; compress it and upload again.",
        field="file",
    )


def _unreadable(name: str, extension: str, problem: Unreadable) -> InvalidInput:
    kind = extension.upper()
    if problem == Unreadable.too_large:
        return InvalidInput(
            f"图片“{name}”的像素过多，请缩小尺寸（或降低扫描分辨率）后重新上传。",
            f"The image '{name}' has too many pixels; make it smaller (or scan at a lower "
            "resolution) and upload it again.",
            field="file",
        )
    if problem == Unreadable.empty:
        return InvalidInput(
            f"文件“{name}”是没有页面的 PDF，请上传有内容的文件。",
            f"'{name}' is a PDF without pages; upload the file with its content.",
            field="file",
        )
    return InvalidInput(
        f"文件“{name}”不是完整有效的 {kind} 文件，无法打开：可能已损坏、未传完或只是改了"
        f"扩展名。请用原文件重新导出（或重新扫描）为 {kind} 后上传。",
        f"'{name}' is not a whole, valid {kind} file and cannot be opened: it may be "
        f"damaged, cut short or only renamed. Export (or scan) it again as {kind} and "
        "upload it again.",
        field="file",
    )
