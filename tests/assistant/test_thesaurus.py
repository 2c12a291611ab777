"""A question in a word the catalog does not use meets the entry through a word of the same
meaning (同义词词林), and only through words of the same meaning."""

from __future__ import annotations

from tongban.assistant import retrieval, thesaurus


def _index(names: dict[str, str]) -> retrieval.Index:
    definitions = [{"name": name, "items": [{"name": name}]} for name in names.values()]
    return retrieval.Index(
        tuple((code, number) for number, code in enumerate(names)),
        [retrieval.document(definition) for definition in definitions],
        [retrieval.subject(definition) for definition in definitions],
    )


def test_synonyms_are_words_of_the_same_meaning_only() -> None:
    assert "失业" in thesaurus.synonyms("下岗")
    assert "餐馆" in thesaurus.synonyms("饭馆")
    assert "下岗" not in thesaurus.synonyms("下岗")
    assert not any(len(word) == 1 for word in thesaurus.synonyms("饭店"))
    assert thesaurus.synonyms("营业执照许可证") == frozenset()


def test_a_word_the_catalog_does_not_use_meets_its_synonym() -> None:
    index = _index({"A-1": "出生登记", "B-1": "失业登记"})
    assert [match.code for match in index.rank("下岗")] == ["B-1"]
    best = index.rank("下岗了怎么登记")[0]
    assert best.code == "B-1" and best.on_subject and best.coverage > 0.3
