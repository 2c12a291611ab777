"""What a question typed in pinyin reads as in Chinese characters, in the catalog's own
words (a kiosk's keyboard has no input method: "kaifandian" is how its users type 开饭店).
The asker is shown the characters understood and may ask in them with one tap; the
ranking itself meets pinyin without them (:mod:`text`'s pinyin pairs)."""

from __future__ import annotations

from tongban.assistant import text
from tongban.assistant.retrieval import Index

MAX_WORD = 4  # syllables of one catalog word ("ying ye zhi zhao")
LEFT_OUT = 2  # what leaving a syllable unread costs, against 1 for each word read


def read_as_chinese(index: Index, question: str) -> str:
    """``question`` typed in pinyin in Chinese characters: each typed word read as the
    fewest catalog words its syllables spell (:meth:`Index.words_read_as`, the most
    common first), syllables that spell none left out ("kaifandian" → 开饭店, "zhuxiao
    gongsi" → 注销公司, "wo yao kai fandian" → 开饭店: 我, 要 are no catalog words). ""
    when it holds Chinese characters, reads as English, or less than half of it reads
    (at least two characters: "huankou" reads only 换)."""
    if text.has_chinese(question):
        return ""
    read, typed = "", 0
    for run in text.LATIN_RUN.findall(text.simplify(question)):
        if text.reads_as_english(run):
            return ""
        for word in run.split(" "):
            syllables = tuple(text.split_syllables(word) or ())
            read, typed = read + _spelled(index, syllables), typed + len(syllables)
    return read if len(read) >= max(2, typed / 2) else ""


def _spelled(index: Index, syllables: tuple[str, ...]) -> str:
    """The catalog words ``syllables`` spell, the fewest that do, leaving out those no
    word spells (each costs :data:`LEFT_OUT`)."""
    best: list[tuple[int, str]] = [(0, "")]
    for end in range(1, len(syllables) + 1):
        cost, read = best[end - 1]
        options = []
        for start in range(max(0, end - MAX_WORD), end):
            words = index.words_read_as(syllables[start:end])
            if words:
                options.append((best[start][0] + 1, best[start][1] + words[0]))
        best.append(min([*options, (cost + LEFT_OUT, read)], key=lambda option: option[0]))
    return best[-1][1]
