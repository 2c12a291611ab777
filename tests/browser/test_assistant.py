"""The ask box of every portal page in Chromium, at a desktop and on a phone: htmx swaps
in the answer without a page load and the address follows; a follow-up keeps the entry;
without JavaScript the same box posts and the answer page loads; at the hall's kiosk the
box is there in the large type of the kiosk layout."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Browsers

HALL = "GL-ZWFW"


@pytest.fixture(scope="module", autouse=True)
def _warm(server: str) -> None:
    """The first question of a server process loads the dictionaries and builds the index
    (seconds on a busy machine): asked once here, not inside a test's wait."""
    assert httpx.get(f"{server}/ask", params={"q": "开饭店"}, timeout=120).is_success


def test_asking_and_following_up_without_a_page_load(people: Browsers) -> None:
    page = people.page("visitor")
    page.goto("/items/3501-RS-003")
    page.evaluate("window.stillTheSamePage = true")

    page.fill("#ask-q", "孩子出生了要办哪些手续")
    page.click("form.ask button[type=submit]")

    expect(page.locator("#answer-title")).to_contain_text("新生儿出生一件事")
    expect(page).to_have_url(re.compile(r"/ask\?q="))
    expect(page.locator("a.button[href^='/apply/3501-BUNDLE-XSECS']")).to_have_count(1)
    page.fill("#follow-q", "那要带什么材料？")
    page.click("form.ask-more button[type=submit]")
    expect(page.locator("section.part").first).to_have_class(re.compile("asked-part"))
    expect(page.locator("section.asked-part h3")).to_have_text("申请材料")
    assert page.evaluate("window.stillTheSamePage === true")
    width = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert width, "the answer page scrolls sideways"


@pytest.fixture
def no_script(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, locale="zh-CN", java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_the_box_works_without_javascript(no_script: Page) -> None:
    no_script.goto("/")
    no_script.fill("#ask-q", "營業執照怎麼辦")
    no_script.click("form.ask button[type=submit]")
    expect(no_script.locator("#answer-title")).to_contain_text("企业设立登记")


def test_the_box_at_the_kiosk(browser: Browser, server: str) -> None:
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1080, "height": 1920}
    )
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    page.goto("/")
    assert "kiosk" in (page.get_attribute("html", "class") or "")
    # nothing to type in a kiosk's header: its 问一问 opens the assistant's page, typed on
    # the on-screen keyboard (pinyin, a space between words)
    page.get_by_role("link", name="问一问智能客服").click()
    pad = page.locator("form.ask-more [data-keypad]")
    for key in "shiye dengji":
        pad.locator(f'[data-key="{key}"]').click()
    expect(page.locator("#follow-q")).to_have_value("shiye dengji")
    page.locator("form.ask-more").get_by_role("button", name="提问").click()
    expect(page.locator("#answer-title")).to_contain_text("失业登记")
    context.close()


def test_an_english_question_on_the_english_page(browser: Browser, server: str) -> None:
    """Asked in English on an English page, the answer is the catalog's English: the entry's
    English name and summary, and the button to apply (before, the plain "cannot answer")."""
    context = browser.new_context(base_url=server, locale="en-US")
    page = context.new_page()
    page.goto("/")
    page.fill("#ask-q", "what do I need to open a restaurant")
    page.click("form.ask button[type=submit]")
    expect(page.locator("#answer-title")).to_contain_text("Opening a restaurant")
    expect(page.locator("section.answer p.summary")).to_contain_text("food business permit")
    expect(page.locator("a.button[href^='/apply/3501-BUNDLE-KCG']")).to_have_count(1)
    context.close()


def test_the_situation_options_at_the_kiosk_are_big_and_beside_their_words(
    browser: Browser, server: str
) -> None:
    """Trial 17: on the kiosk's answer page the 您的情形 radio buttons were ~13 px and sat
    on a line of their own above their labels."""
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1080, "height": 1920}
    )
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    page.goto("/ask?q=kaifandian")
    radio = page.locator("#situation-title ~ form input[type=radio]").first
    label = page.locator("#situation-title ~ form input[type=radio] + label").first
    box, words = radio.bounding_box(), label.bounding_box()
    assert box is not None and words is not None
    assert box["width"] >= 32 and box["height"] >= 32  # a finger's target
    assert words["x"] > box["x"] + box["width"] - 1  # beside it, not above or below
    assert abs((words["y"] + words["height"] / 2) - (box["y"] + box["height"] / 2)) < 12
    context.close()


def test_a_follow_up_typed_in_the_top_box_keeps_the_context(people: Browsers) -> None:
    """The top 问一问 box of an answer page carries the entry it is about, as the 接着问 box
    does: a follow-up typed where a chat's box is expected is answered about it."""
    page = people.page("visitor")
    page.goto("/")
    page.fill("#ask-q", "开饭店要办什么证")
    page.click("form.ask button[type=submit]")
    expect(page.locator("#answer-title")).to_contain_text("您要办的可能是")
    first = page.locator("#answer-title a").inner_text()

    page.fill("#ask-q", "那要带什么材料？")
    page.click("form.ask button[type=submit]")
    expect(page.locator("#answer-title")).to_contain_text(f"关于“{first}”")
    expect(page.locator("section.asked-part h3")).to_have_text("申请材料")

    page.fill("#ask-q", "孩子出生了要办哪些手续")  # a new topic still switches
    page.click("form.ask button[type=submit]")
    expect(page.locator("#answer-title")).to_contain_text("新生儿出生一件事")
    page.fill("#ask-q", "那要交钱吗")
    page.click("form.ask button[type=submit]")
    expect(page.locator("#answer-title")).to_contain_text("新生儿出生一件事")


def test_the_top_box_keeps_the_context_without_javascript(no_script: Page) -> None:
    no_script.goto("/ask?q=开饭店要办什么证")
    first = no_script.locator("#answer-title a").inner_text()
    no_script.fill("#ask-q", "那要带什么材料？")
    no_script.click("form.ask button[type=submit]")
    expect(no_script.locator("#answer-title")).to_contain_text(f"关于“{first}”")


def test_an_answer_swapped_in_takes_the_focus(people: Browsers) -> None:
    """A screen reader's user hears the answer, not silence where the box was: the focus
    moves to the reply once htmx has swapped it in."""
    page = people.page("visitor")
    page.goto("/")
    page.fill("#ask-q", "开饭店要办什么证")
    page.press("#ask-q", "Enter")
    expect(page.locator("#answer-title")).to_be_visible()
    expect(page.locator("#reply")).to_be_focused()
    page.fill("#follow-q", "那要带什么材料？")
    page.press("#follow-q", "Enter")
    expect(page.locator("section.asked-part h3")).to_have_text("申请材料")
    expect(page.locator("#reply")).to_be_focused()


def test_a_common_question_is_asked_by_a_tap_at_the_kiosk(browser: Browser, server: str) -> None:
    """A kiosk's keyboard types no Chinese: the assistant's page offers the common
    questions of the 热门事项 (their FAQ) as buttons, and one tap asks it."""
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1080, "height": 1920}
    )
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    page.goto("/ask")
    common = page.locator("form.ask-more .common-questions button")
    expect(common.first).to_be_visible()
    question = common.first.inner_text().strip()
    common.first.click()
    expect(page.locator("p.asked q")).to_contain_text(question)
    expect(page.locator("#answer-title")).to_contain_text("您要办的可能是")
    context.close()


def test_pinyin_typed_at_the_kiosk_offers_its_characters(browser: Browser, server: str) -> None:
    """A kiosk has no input method: pinyin typed on its keyboard shows, as it is typed,
    the Chinese words the assistant reads it as; one tap asks in them."""
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1080, "height": 1920}
    )
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    page.goto("/ask")
    pad = page.locator("form.ask-more [data-keypad]")
    for key in "kaifandian":
        pad.locator(f'[data-key="{key}"]').click()
    candidate = page.locator("#pinyin-read button")
    expect(candidate).to_have_text("开饭店")
    candidate.click()
    expect(page.locator("p.asked q")).to_have_text("开饭店")
    expect(page.locator("#answer-title")).to_contain_text("我要开餐馆")
    context.close()
