"""An entry answers a question about what it is, not one about a thing it asks for: the
demo's 出生登记 asks for the parents' 结婚证, yet a question about 结婚登记 (not in the
catalog) must not be answered with 出生登记 (the catalog's list of matters handled elsewhere says
where to go for it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.assistant import service
from tongban.assistant.enums import ReplyKind


def test_a_question_about_a_material_of_an_entry_is_not_answered_by_it(db: Session) -> None:
    for question in ("结婚登记", "结婚登记怎么办", "結婚登記要什麼材料"):
        reply = service.ask(db, question=question, user=None)
        assert reply.kind == ReplyKind.elsewhere, (question, [f.code for f in reply.found])
        assert not reply.found


def test_the_entry_itself_is_still_found(db: Session) -> None:
    reply = service.ask(db, question="出生登记要带结婚证吗", user=None)
    assert reply.kind == ReplyKind.entries
    assert reply.found[0].code in {"3501-GA-002", "3501-BUNDLE-XSECS"}
