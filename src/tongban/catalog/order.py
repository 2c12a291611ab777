"""The order of a bundle's items (``requires``): an item whose review waits for the
approved review of others (税务注销 清税 before 企业注销登记), the rest in parallel. The
loader refuses an order naming an item the bundle does not have, an item waiting for
itself, or a cycle, which would leave the case waiting for ever."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tongban.catalog.yamlsource import Problem, SourceDocument


def problems(doc: SourceDocument, *, items: list[str]) -> list[Problem]:
    """What is wrong with the ``requires`` of a schema-valid bundle of ``items``."""
    requires: dict[str, list[str]] = doc.data.get("requires") or {}
    found = []
    for code, before in requires.items():
        path: list[str | int] = ["requires", code]
        if code not in items:
            found.append(doc.problem(path, f"事项 {code} 不在本一件事中，不能为它规定办理顺序"))
        for index, other in enumerate(before):
            if other not in items:
                message = f"前置事项 {other} 不在本一件事中"
                found.append(doc.problem([*path, index], message))
            elif other == code:
                found.append(doc.problem([*path, index], f"事项 {code} 不能以自身为前置事项"))
    loop = cycle(requires)
    if loop and len(loop) > 2:
        message = "办理顺序成环，案件将永远等待：" + " → ".join(loop) + "；请删去其中一个前置事项"
        found.append(doc.problem(["requires"], message))
    return found


def cycle(requires: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle of waits as ``[a, b, …, a]`` (a waits for b …), or None."""
    done: set[str] = set()

    def visit(code: str, path: list[str]) -> list[str] | None:
        if code in path:
            return [*path[path.index(code) :], code]
        if code in done:
            return None
        for other in requires.get(code, ()):
            found = visit(other, [*path, code])
            if found:
                return found
        done.add(code)
        return None

    for code in requires:
        found = visit(code, [])
        if found:
            return found
    return None


def waits(
    items: Sequence[str], requires: Mapping[str, Sequence[str]]
) -> tuple[list[tuple[list[str], str]], list[str]]:
    """How a guide states the order of ``items`` (codes, in the bundle's order): each item
    that waits with the items it waits for, ``([before, …], item)``, and the items that
    neither wait nor are waited for, which run in parallel with the rest. Prerequisites
    the situation answers left out are not waited for."""
    waiting = [([o for o in requires.get(code, ()) if o in items], code) for code in items]
    waiting = [(before, code) for before, code in waiting if before]
    ordered = {code for before, code in waiting} | {o for before, _ in waiting for o in before}
    return waiting, [code for code in items if code not in ordered]
