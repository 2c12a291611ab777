"""The application form in Chromium: messages next to the field, in Chinese, as people
leave a field or press 「提交申请」; each material stored as soon as it is chosen, with a
progress bar, then its name, a preview and 「更换」.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import Browsers
from tongban.demo.samples import SAMPLES, pdf_of

ITEM = "3501-RS-003"  # 失业登记: ID card (pdf, jpg, png, ofd) required
GOOD_ID = "350102196204180310"
BAD_ID = GOOD_ID[:-1] + "1"  # the right shape, the wrong check digit: only the server knows


def _png() -> bytes:
    """A real 1×1 PNG, so the thumbnail has something to draw."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb3\x26\x1e")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_messages_appear_next_to_the_field_in_chinese(people: Browsers) -> None:
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    phone = page.locator("#f-phone")
    phone.fill("123")
    phone.press("Tab")
    expect(page.locator("#e-phone")).to_have_text(
        "“联系电话(手机号码)”格式不正确，应为11 位手机号码"
    )
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_attribute("aria-describedby", re.compile(r"\be-phone\b"))
    phone.fill("13800000001")
    phone.press("Tab")
    expect(page.locator("#e-phone")).to_have_count(0)
    expect(phone).not_to_have_attribute("aria-invalid", "true")

    page.click("button:text-is('提交申请')")
    summary = page.locator(".form-problems[role=alert]")
    expect(summary).to_contain_text("请按以下提示修改后再提交")
    expect(summary).to_contain_text("“现居住地址”必须填写")
    # the ID card is looked for in shared data first: the server asks for it, saying why
    expect(summary).to_contain_text("请上传“申请人(经办人)居民身份证”（您名下没有有效的")
    expect(page.locator("#e-residence_address")).to_have_text("“现居住地址”必须填写")
    # the applicant's own name comes from the account, not asked again
    expect(page.locator("#f-applicant_name")).to_have_value("张三")
    # nothing was submitted; what was typed is kept in the draft the server saved
    assert re.search(rf"/apply/{ITEM}$|/cases/\d+/edit$", page.url), page.url


def test_a_message_names_what_is_wanted_as_the_server_does(people: Browsers) -> None:
    """Found in trial: "格式不正确" named no format; the page says what the server says
    (its bound, its format), in the page's language."""
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    page.fill("#f-residence_address", "五四路")
    page.press("#f-residence_address", "Tab")
    expect(page.locator("#e-residence_address")).to_have_text("“现居住地址”至少 5 个字")
    page.fill("#f-applicant_id_number", "35010219620418")
    page.press("#f-applicant_id_number", "Tab")
    expect(page.locator("#e-applicant_id_number")).to_have_text(
        "“申请人(经办人)公民身份号码”格式不正确，应为18 位身份证号码（末位为数字或 X）"
    )
    page.goto(f"/apply/{ITEM}?lang=en")
    page.fill("#f-phone", "123")
    page.press("#f-phone", "Tab")
    expect(page.locator("#e-phone")).to_have_text(
        "Phone (mobile) has the wrong format: it must be an 11-digit mobile number"
    )


def test_a_refused_form_names_every_wrong_field_at_once_and_keeps_everything(
    people: Browsers, tmp_path: Path
) -> None:
    """Found in trial: the page's script stopped the form at what it knew (an empty
    address) and the server's other refusals (a wrong check digit, a date in the future)
    came one submission later. Now the server is asked and every problem is beside its
    field, with what was typed and uploaded kept."""
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    page.fill("#f-applicant_id_number", BAD_ID)
    page.fill("#f-termination_date", "2099-01-04")
    page.fill("#f-residence_address", "")
    card = tmp_path / "id.pdf"
    card.write_bytes(SAMPLES["pdf"])
    page.set_input_files("#m-ID_CARD", str(card))
    expect(page.locator("#material-ID_CARD .file-name")).to_have_text("id.pdf")
    page.click("button:text-is('提交申请')")
    expect(page.locator("#e-applicant_id_number")).to_contain_text("校验")
    expect(page.locator("#e-termination_date")).to_be_visible()
    expect(page.locator("#e-residence_address")).to_have_text("“现居住地址”必须填写")
    expect(page.locator("#e-fuzhou_district")).to_have_text("“所属区(县、市)”必须填写")
    expect(page.locator("#e-education")).to_have_text("“文化程度”必须填写")
    expect(page.locator(".form-problems[role=alert] li")).to_have_count(5)
    expect(page.locator("#f-applicant_id_number")).to_have_value(BAD_ID)
    expect(page.locator("#f-termination_date")).to_have_value("2099-01-04")
    expect(page.locator("#material-ID_CARD .file-name")).to_have_text("id.pdf")


def test_a_message_from_the_server_stays_while_it_is_true(people: Browsers, tmp_path: Path) -> None:
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    page.fill("#f-applicant_name", "张三")
    page.fill("#f-applicant_id_number", BAD_ID)
    page.fill("#f-residence_address", "福州市鼓楼区五四路1号")
    page.select_option("#f-fuzhou_district", "鼓楼区")
    page.select_option("#f-education", "大学本科")
    page.fill("#f-phone", "13800000001")
    card = tmp_path / "id.pdf"
    card.write_bytes(SAMPLES["pdf"])
    page.set_input_files("#m-ID_CARD", str(card))
    expect(page.locator("#material-ID_CARD .file-name")).to_have_text("id.pdf")
    page.click("button:text-is('提交申请')")
    said = page.locator("#e-applicant_id_number")
    expect(said).to_contain_text("校验")  # the server's check-digit message
    server_text = said.inner_text()
    page.focus("#f-applicant_id_number")
    page.press("#f-applicant_id_number", "Tab")
    expect(said).to_have_text(server_text)
    page.fill("#f-applicant_id_number", GOOD_ID)
    page.press("#f-applicant_id_number", "Tab")
    expect(said).to_have_count(0)
    page.click("button:text-is('提交申请')")
    page.wait_for_url(re.compile(r"/cases/\d+/review$"))


def test_a_material_uploads_with_progress_then_shows_a_preview_and_can_be_replaced(
    people: Browsers, tmp_path: Path
) -> None:
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    # a slow connection (1 MB at 512 KB/s), so the bar has time to move
    network = page.context.new_cdp_session(page)
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 512 * 1024},
    )
    pdf = tmp_path / "身份证.pdf"
    pdf.write_bytes(pdf_of(padding=1024 * 1024))
    page.set_input_files("#m-ID_CARD", str(pdf))
    row = page.locator("#material-ID_CARD")
    expect(row.locator("progress")).to_be_visible()
    expect(row.locator(".percent")).to_have_text(re.compile(r"^[1-9][0-9]?%$"))
    expect(row.locator("progress")).to_have_attribute("value", re.compile(r"^[1-9]"))
    # the first upload saved the new application as a draft to hold the file
    page.wait_for_url(re.compile(r"/cases/\d+/edit$"))
    expect(page.locator("main")).to_contain_text("草稿已保存")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    expect(row.locator(".file-name")).to_have_text("身份证.pdf")
    expect(row.locator("progress")).to_be_hidden()
    view = row.get_by_role("link", name="查看：身份证.pdf")
    expect(view).to_have_attribute("target", "_blank")
    expect(view).to_have_attribute("href", re.compile(r"^/api/v1/materials/\d+/content$"))
    expect(row.locator("input[type=file]")).to_be_hidden()

    png = tmp_path / "photo.png"
    png.write_bytes(_png())
    with page.expect_file_chooser() as chooser:
        row.get_by_role("button", name=re.compile("更换")).click()
    chooser.value.set_files(str(png))
    expect(row.locator(".file-name")).to_have_text("photo.png")
    thumbnail = row.locator("img.thumb")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(  # a function, not a string: the page's CSP forbids eval
        "() => document.querySelector('#material-ID_CARD img.thumb').naturalWidth === 1"
    )

    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a pdf at all")
    page.set_input_files("#m-ID_CARD", str(bad))
    expect(page.locator("#me-ID_CARD")).to_contain_text("文件“scan.pdf”的内容不是 PDF 格式")
    expect(row.locator(".file-name")).to_have_text("photo.png")  # the stored file stays

    page.reload()  # the address is the draft's now: everything is still there
    expect(page.locator("#material-ID_CARD .file-name")).to_have_text("photo.png")


def test_an_id_cards_expiry_typed_before_its_file_goes_up_with_it(
    people: Browsers, tmp_path: Path
) -> None:
    """The file is sent as soon as it is chosen: the 证件有效期至 typed beside it goes with
    it, and the stored row shows it back."""
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ITEM}")
    page.get_by_label("证件有效期至").fill("2036-01-31")
    card = tmp_path / "id.pdf"
    card.write_bytes(SAMPLES["pdf"])
    page.set_input_files("#m-ID_CARD", str(card))
    row = page.locator("#material-ID_CARD")
    expect(row.locator(".file-name")).to_have_text("id.pdf")
    expect(row.locator("#v-ID_CARD")).to_have_value("2036-01-31")
    page.reload()
    expect(page.locator("#v-ID_CARD")).to_have_value("2036-01-31")
