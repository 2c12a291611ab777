"""What an applicant is told when an upload is refused, and which uploads pass."""

from __future__ import annotations

import pytest

from tongban.demo.samples import SAMPLES
from tongban.errors import InvalidInput
from tongban.files.service import check_upload

MB = 1024 * 1024


def _refusal(filename: str, data: bytes, allowed: list[str] | None = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_upload(filename=filename, data=data, allowed=allowed, max_bytes=MB)
    assert caught.value.field == "file"
    assert caught.value.status == 422
    return caught.value


def test_empty_file_is_refused_by_name() -> None:
    error = _refusal("营业执照.pdf", b"")

    assert error.message_zh == "文件“营业执照.pdf”是空的，请重新选择。"


def test_too_large_file_is_refused_with_the_limit() -> None:
    error = _refusal("扫描件.pdf", SAMPLES["pdf"] + b"\0" * MB)

    assert error.message_zh == "文件“扫描件.pdf”超过 1 MB，请压缩后再上传。"


def test_file_of_exactly_the_limit_passes() -> None:
    data = SAMPLES["pdf"] + b"\0" * (MB - len(SAMPLES["pdf"]))

    assert check_upload(filename="a.pdf", data=data, allowed=None, max_bytes=MB).size == MB


@pytest.mark.parametrize("filename", ["setup.exe", "合同.docx", "无扩展名"])
def test_unsupported_type_is_refused_listing_what_is_allowed(filename: str) -> None:
    error = _refusal(filename, SAMPLES["pdf"], allowed=["pdf", "ofd"])

    assert error.message_zh == f"文件“{filename}”的格式不受支持，请上传 PDF、OFD 格式。"


def test_type_the_material_does_not_allow_is_refused() -> None:
    error = _refusal("照片.pdf", SAMPLES["pdf"], allowed=["jpg", "png"])

    assert "照片.pdf" in error.message_zh
    assert "JPG、PNG" in error.message_zh


def test_pdf_whose_bytes_are_png_is_refused() -> None:
    error = _refusal("证明.pdf", SAMPLES["png"])

    assert error.message_zh == "文件“证明.pdf”的内容不是 PDF 格式，请检查后重新上传。"


@pytest.mark.parametrize(
    ("filename", "kind", "extension", "content_type"),
    [
        ("申请书.pdf", "pdf", "pdf", "application/pdf"),
        ("照片.jpg", "jpg", "jpg", "image/jpeg"),
        ("照片.JPEG", "jpg", "jpg", "image/jpeg"),
        ("截图.png", "png", "png", "image/png"),
        ("电子证照.ofd", "ofd", "ofd", "application/ofd"),
    ],
)
def test_real_looking_files_pass(
    filename: str, kind: str, extension: str, content_type: str
) -> None:
    data = SAMPLES[kind]

    checked = check_upload(filename=filename, data=data, allowed=None, max_bytes=MB)

    assert checked.filename == filename
    assert checked.extension == extension
    assert checked.content_type == content_type
    assert checked.size == len(data)


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\报告.pdf", "报告.pdf"),
        ("/tmp/x/申请.pdf", "申请.pdf"),
    ],
)
def test_path_components_are_stripped_from_the_name(filename: str, kept: str) -> None:
    checked = check_upload(filename=filename, data=SAMPLES["pdf"], allowed=None, max_bytes=MB)

    assert checked.filename == kept


def test_refusal_names_the_stripped_file_not_the_path() -> None:
    error = _refusal("../../etc/passwd.exe", SAMPLES["pdf"])

    assert "passwd.exe" in error.message_zh
    assert ".." not in error.message_zh
