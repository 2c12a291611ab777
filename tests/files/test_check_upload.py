"""What an applicant is told when an upload is refused, and which uploads pass."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

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
    data = SAMPLES["jpg"] + b"\0" * (MB - len(SAMPLES["jpg"]))  # a JPEG may end in padding

    assert check_upload(filename="a.jpg", data=data, allowed=None, max_bytes=MB).size == MB


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


def test_a_few_bytes_that_only_begin_like_a_pdf_are_refused() -> None:
    """The tester's 45-byte 公司章程: a PDF header and a trailer, no document."""
    fake = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert len(fake) == 45

    error = _refusal("公司章程.pdf", fake)

    assert error.message_zh.startswith("文件“公司章程.pdf”不是完整有效的 PDF 文件，无法打开")
    assert "重新导出" in error.message_zh and "cannot be opened" in error.message_en


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("章程.pdf", SAMPLES["pdf"][: len(SAMPLES["pdf"]) // 2]),  # cut short
        ("章程.pdf", SAMPLES["pdf"].replace(b"/Root 1 0 R", b"/Root 9 0 R")),  # no catalog
        ("照片.png", SAMPLES["png"][:-12]),  # no IEND chunk
        ("照片.png", SAMPLES["png"][:30] + b"\xff" + SAMPLES["png"][31:]),  # a CRC wrong
        ("照片.jpg", SAMPLES["jpg"][: len(SAMPLES["jpg"]) // 2]),  # image data cut short
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),  # only the start marker
        ("证照.ofd", b"PK\x03\x04" + b"\x00" * 64),  # not a ZIP archive
        ("证照.ofd", _zip(["Doc_0/Document.xml"])),  # a ZIP without OFD.xml
    ],
)
def test_files_of_every_type_that_do_not_open_are_refused(filename: str, data: bytes) -> None:
    kind = filename.rsplit(".", 1)[1].upper()

    error = _refusal(filename, data)

    assert f"不是完整有效的 {kind} 文件" in error.message_zh


def test_a_pdf_without_pages_is_refused() -> None:
    empty = SAMPLES["pdf"].replace(
        b"/Kids [3 0 R] /Count 1", b"/Kids []      /Count 0"
    )  # offsets kept

    error = _refusal("申请书.pdf", empty)

    assert error.message_zh == "文件“申请书.pdf”是没有页面的 PDF，请上传有内容的文件。"


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, "PNG")  # 64 million pixels in a few KB

    error = _refusal("扫描.png", buffer.getvalue())

    assert "像素过多" in error.message_zh
