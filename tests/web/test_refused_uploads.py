"""A refused file posted with the whole form (no script) is said, naming the file and why,
in the page's language, while the answers posted with it are saved: on 「保存草稿」 of a
new or a saved draft, and when the window starts a walk-in's draft. Found in trial: 保存草稿
went to "saved" and said nothing of the file."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.web.support import ITEM, PDF, VALID, SignedIn, csrf, found
from tongban.cases.models import Case, Material

WORD = ("身份证.docx", b"PK\x03\x04 a word document", "application/octet-stream")
REFUSED = {
    "zh": "文件“身份证.docx”的格式不受支持，请上传",
    "en": "&#39;身份证.docx&#39; has an unsupported type; upload",
}


def _saved(db: Session, number: str) -> Case:
    db.expire_all()
    return db.query(Case).filter(Case.number == number).one()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_saving_a_new_draft_names_the_refused_file_and_keeps_the_answers(
    signed_in: SignedIn, db: Session, lang: str
) -> None:
    client = signed_in("zhangsan")
    client.cookies.set("tongban_lang", lang)
    token = csrf(client.get(f"/apply/{ITEM}").text)
    posted = client.post(
        f"/apply/{ITEM}",
        data={**VALID, "intent": "save", "csrf_token": token},
        files={"m_ID_CARD": WORD},
    )
    assert posted.status_code == 422
    assert REFUSED[lang] in posted.text
    number = found(r'action="/cases/(\d+)/edit"', posted.text)
    case = _saved(db, number)
    assert case.form_data["employer_name"] == VALID["employer_name"]
    assert db.query(Material).filter(Material.case_id == case.id).count() == 0


def test_saving_a_draft_again_keeps_the_file_stored_before_and_names_the_refused_one(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    token = csrf(client.get(f"/apply/{ITEM}").text)
    pdf = ("身份证.pdf", PDF, "application/pdf")
    saved = client.post(
        f"/apply/{ITEM}",
        data={**VALID, "intent": "save", "csrf_token": token},
        files={"m_ID_CARD": pdf},
    )
    number = found(r"/cases/(\d+)/edit\?done=saved", str(saved.url))
    token = csrf(saved.text)
    again = client.post(
        f"/cases/{number}/edit",
        data={**VALID, "phone": "13800000009", "intent": "save", "csrf_token": token},
        files={"m_ID_CARD": WORD},
    )
    assert again.status_code == 422
    assert REFUSED["zh"] in again.text
    assert "身份证.pdf" in again.text  # the file stored before is still the material's
    assert _saved(db, number).form_data["phone"] == "13800000009"


def test_the_window_names_a_refused_file_when_it_starts_the_walk_ins_draft(
    signed_in: SignedIn, db: Session
) -> None:
    clerk = signed_in("clerk")
    token = csrf(clerk.get(f"/staff/intake/{ITEM}").text)
    person = {"walkin_id_number": VALID["applicant_id_number"], "walkin_name": "张三"}
    started = clerk.post(
        f"/staff/intake/{ITEM}",
        data={**person, "walkin_phone": VALID["phone"], "csrf_token": token, "intent": "start"},
        files={"m_ID_CARD": WORD},
    )
    assert started.status_code == 422
    assert REFUSED["zh"] in started.text
    number = found(r'action="/staff/intake/drafts/(\d+)"', started.text)
    assert _saved(db, number).applicant_id is not None
