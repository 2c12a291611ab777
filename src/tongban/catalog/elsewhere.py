"""Matters this portal does not handle, and who does (非本平台办理事项): ``elsewhere.yaml``.

A matter is named as people name it (``name``, ``synonyms``) and says who handles it
(``handled_by``: a department or window) and, where there is one, the online channel
(``channel``: an app or a national platform) — nothing more: the guide assistant tells the
asker where to go and offers the hotline, and makes no claim about conditions or law. Read
by ``tongban.assistant``, which finds these matters alongside the catalog's entries.
"""

from __future__ import annotations

from tongban.catalog.yamlsource import Problem, SourceDocument

FILE = "elsewhere.yaml"


def matter_problems(doc: SourceDocument) -> list[Problem]:
    """Problems of a schema-valid ``elsewhere.yaml`` beyond its schema: a code used twice,
    a name or synonym given to two matters (the assistant could not tell them apart)."""
    found = []
    codes: set[str] = set()
    owners: dict[str, str] = {}
    for index, matter in enumerate(doc.data["matters"]):
        if matter["code"] in codes:
            found.append(doc.problem(["matters", index, "code"], f"代码 {matter['code']} 重复"))
        codes.add(matter["code"])
        for position, phrase in enumerate([matter["name"], *matter["synonyms"]]):
            owner = owners.setdefault(phrase, matter["code"])
            if owner != matter["code"]:
                place: list[str | int] = ["matters", index, "synonyms", position - 1]
                if position == 0:
                    place = ["matters", index, "name"]
                found.append(doc.problem(place, f"“{phrase}”已用于 {owner}，请删去一处"))
    return found
