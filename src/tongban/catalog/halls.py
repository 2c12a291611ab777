"""Service halls (政务服务大厅) and their windows as catalog data: ``halls.yaml``.

A hall declares its bookable slots (local start times on working days, their length and
how many tickets each window takes per slot) and its windows, each serving the items of
some departments or all of them (综合窗口, 无差别受理). Read by ``tongban.queueing``.
"""

from __future__ import annotations

from tongban.catalog.yamlsource import Problem, SourceDocument

FILE = "halls.yaml"
ALL = "all"  # a window that serves every department: 综合受理窗口


def hall_problems(doc: SourceDocument, departments: set[str]) -> list[Problem]:
    """Problems of a schema-valid ``halls.yaml`` beyond its schema: unknown departments,
    duplicate hall or window codes."""
    found = []
    halls: set[str] = set()
    for index, hall in enumerate(doc.data["halls"]):
        if hall["code"] in halls:
            found.append(doc.problem(["halls", index, "code"], f"大厅代码 {hall['code']} 重复"))
        halls.add(hall["code"])
        windows: set[str] = set()
        for position, window in enumerate(hall["windows"]):
            place: list[str | int] = ["halls", index, "windows", position]
            if window["code"] in windows:
                found.append(doc.problem([*place, "code"], f"窗口代码 {window['code']} 重复"))
            windows.add(window["code"])
            for code in window["serves"]:
                if code != ALL and code not in departments:
                    found.append(doc.problem([*place, "serves"], f"未知部门代码 {code}"))
    return found
