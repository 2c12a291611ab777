"""The one step every page takes when a posted form is refused (``web.refusals``): the
unit of work rolled back, the page again with the reason in the user's language and the
text fields as typed; refusals the page cannot mend go to the error handlers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound, gather
from tongban.web.refusals import Refusal, page_again, shown, status_of, typed


class Session:
    rolled_back = 0

    def rollback(self) -> None:
        self.rolled_back += 1


def _request(lang: str = "") -> Any:
    settings = SimpleNamespace(default_locale="zh")
    return SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(runtime=SimpleNamespace(settings=settings))),
        query_params={"lang": lang} if lang else {},
        cookies={},
        headers={},
    )


def _form() -> FormData:
    upload = UploadFile(file=None, filename="site.jpg")  # type: ignore[arg-type]
    return FormData([("reply", "周六上午"), ("photo", upload), ("tag", "a"), ("tag", "b")])


def test_the_page_again_with_the_reason_in_the_users_language_and_the_text_typed() -> None:
    seen: list[Refusal] = []

    def page(refusal: Refusal) -> Response:
        seen.append(refusal)
        return Response(status_code=refusal.status_code)

    session = Session()
    error = InvalidInput("请写明时间。", "Say when.", field="reply")
    answer = page_again(_request("en"), session, error, _form(), page)  # type: ignore[arg-type]
    assert answer.status_code == 422 and session.rolled_back == 1
    typed_in = {"reply": "周六上午", "tag": "a"}
    assert seen == [Refusal("Say when.", 422, typed_in, {"reply": "Say when."})]
    page_again(_request(), session, Conflict("已结束。", "Over."), _form(), page)  # type: ignore[arg-type]
    assert seen[-1].error == "已结束。" and seen[-1].status_code == 409
    assert shown(seen[-1]) == {"error": "已结束。", "posted": typed_in, "errors": {"": "已结束。"}}
    assert shown(None) == {"error": None, "posted": {}, "errors": {}} and status_of(None) == 200


def test_a_refusal_naming_several_fields_gives_each_its_own_message() -> None:
    seen: list[Refusal] = []

    def page(refusal: Refusal) -> Response:
        seen.append(refusal)
        return Response(status_code=refusal.status_code)

    def refuse(field: str, zh: str, en: str) -> None:
        raise InvalidInput(zh, en, field=field)

    with pytest.raises(InvalidInput) as both:
        gather(
            {
                "reply": lambda: refuse("reply", "请写明时间。", "Say when."),
                "tag": lambda: refuse("tag", "请选择标签。", "Choose a tag."),
            }
        )
    page_again(_request("en"), Session(), both.value, _form(), page)  # type: ignore[arg-type]
    assert seen[0].messages == {"reply": "Say when.", "tag": "Choose a tag."}
    assert seen[0].error == "Say when. Choose a tag." and seen[0].status_code == 422


@pytest.mark.parametrize(
    "error", [NotFound("没有。", "None."), NotAllowed("不可以。", "Not yours.")]
)
def test_what_the_page_cannot_mend_goes_to_the_error_handlers(error: Exception) -> None:
    session = Session()

    def page(refusal: Refusal) -> Response:
        raise AssertionError("no page for this refusal")

    with pytest.raises(type(error)):
        page_again(_request(), session, error, _form(), page)  # type: ignore[arg-type]
    assert session.rolled_back == 1


def test_files_are_not_kept_as_text() -> None:
    assert typed(_form()) == {"reply": "周六上午", "tag": "a"}
