"""Names spelled in pinyin the ways people type them: initials, full syllables without
tones, or a mix of both while they are still typing.
"""

from __future__ import annotations

import pytest

from tongban.catalog.pinyin import Hit, find, normalize, spell


def _find(query: str, name: str) -> Hit | None:
    letters = normalize(query)
    assert letters is not None
    return find(letters, spell(name))


@pytest.mark.parametrize(
    "query",
    ["sydj", "shiyedengji", "shiye", "shiyed", "syDengji", "Shi Ye", "shi'ye"],
)
def test_initials_full_pinyin_and_half_typed_words_find_the_name(query: str) -> None:
    hit = _find(query, "失业登记")

    assert hit is not None and hit.start == 0


def test_a_match_running_to_the_end_of_the_name_is_told_apart() -> None:
    assert _find("sydj", "失业登记") == Hit(start=0, to_end=True)
    assert _find("shiye", "失业登记") == Hit(start=0, to_end=False)


def test_initials_match_in_the_middle_of_a_name() -> None:
    assert _find("kcg", "我要开餐馆") == Hit(start=2, to_end=True)
    assert _find("zhatu", "建筑垃圾(渣土)运输处置备案") == Hit(start=4, to_end=False)


def test_a_single_letter_matches_only_at_the_start() -> None:
    assert _find("s", "失业登记") is not None
    assert _find("d", "失业登记") is None


def test_syllables_cannot_be_skipped_or_reordered() -> None:
    assert _find("sdj", "失业登记") is None
    assert _find("ysdj", "失业登记") is None
    assert _find("xyzxyz", "我要开餐馆") is None


def test_the_common_reading_comes_from_the_phrase_and_other_readings_count_by_initial() -> None:
    assert _find("yinhang", "银行") is not None  # 行 read hang in 银行
    assert _find("yx", "银行") is not None  # the initial of 行's other reading, xing
    assert _find("yinxing", "银行") is None  # but not the whole uncommon reading


def test_latin_letters_and_digits_in_names_are_syllables_and_punctuation_is_dropped() -> None:
    assert " ".join(s.reading for s in spell("LED屏")) == "led ping"
    assert " ".join(s.reading for s in spell("公积金(开户)")) == "gong ji jin kai hu"


def test_only_plain_letters_are_taken_as_pinyin() -> None:
    assert normalize("Shi Ye") == "shiye"
    assert normalize("失业") is None
    assert normalize("3501-RS-003") is None
    assert normalize("   ") is None


def test_full_width_letters_are_plain_letters() -> None:
    assert normalize("ＳＹＤＪ") == "sydj"
    assert normalize("Ｓｈｉ\u3000Ｙｅ") == "shiye"
