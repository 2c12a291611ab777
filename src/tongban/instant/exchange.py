"""DMN 1.3 import and export of an item's decision table (``rules/dmn.py``), for
catalog administrators who edit rules in a standard modeler.

Export writes the published table of an item; import reads a DMN file, checks it exactly
as the catalog loader checks a table (``rules.table_problems``: fields exist, tests fit
their types) and gives it back as catalog YAML data (``decision:``), to dry-run
(``tongban rules dry-run --table``) and then put into the item's YAML. Nothing published
changes here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tongban.catalog import service as catalog
from tongban.errors import InvalidInput
from tongban.instant.dryrun import published_item
from tongban.rules import dmn
from tongban.rules import service as rules


def export_item(session: Session, *, code: str) -> bytes:
    """The DMN 1.3 XML of item ``code``'s published decision table; InvalidInput when the
    item has none, NotFound for an unknown item."""
    item = published_item(session, code=code)
    if not item.get("decision"):
        raise InvalidInput(
            f"{code} 没有秒批规则表。", f"{code} has no decision table.", field="code"
        )
    return dmn.export_table(
        item["decision"],
        name=f"{item['name']}（{code}）",
        form=item["form"],
        sources=catalog.list_sources(session),
    )


def _refused(problems: list[tuple[str, str, str]]) -> InvalidInput:
    details = [{"field": where, "message_zh": zh, "message_en": en} for where, zh, en in problems]
    listed_zh = "；".join(f"{where}：{zh}" for where, zh, _ in problems)
    listed_en = "; ".join(f"{where}: {en}" for where, _, en in problems)
    return InvalidInput(
        f"DMN 文件未导入，请逐项修改：{listed_zh}",
        f"The DMN file was not imported; fix each of: {listed_en}",
        details=details,
    )


def import_item(session: Session, *, code: str, data: bytes) -> dict[str, Any]:
    """The decision table in the DMN file ``data``, checked against item ``code``'s form
    and the shared sources; InvalidInput listing every problem (where, what to fix)."""
    item = published_item(session, code=code)
    sources = catalog.list_sources(session)
    try:
        table = dmn.import_table(data, form=item["form"], sources=sources)
    except dmn.DmnError as error:
        raise _refused(error.problems) from None
    found = rules.table_problems(table, form=item["form"], sources=sources)
    if found:
        raise _refused(
            [(".".join(str(p) for p in path) or "规则表", zh, en) for path, (zh, en) in found]
        )
    return table
