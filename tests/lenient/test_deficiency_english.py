"""The deficiency commitment (容缺受理承诺书) reads in English on English pages and in the
API's ``text_en``; the Chinese text stays what is signed (its digest is unchanged)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API
from tests.lenient.support import FOOD, submitted_without
from tests.web.conftest import signed_in
from tests.web.support import SignedIn

MISSING = "FOOD_SAFETY_RULES"  # 保证食品安全的规章制度目录清单, 容缺
CJK = re.compile(r"[\u4e00-\u9fff]")

__all__ = ["signed_in"]


def test_the_deficiency_commitment_has_its_english_to_read(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    url = f"{API}/cases/{number}/deficiency/letter"
    letter = client.get(url, headers={**as_user("minfeng"), "Accept-Language": "en"}).json()
    assert "本人（本单位）承诺" in letter["text"]  # what is signed
    assert letter["sha256"] == hashlib.sha256(letter["text"].encode()).hexdigest()
    english = letter["text_en"]
    assert "I (we) undertake to supply them within 1 working day of acceptance" in english, english
    assert "acceptance with deficiencies" in english and not CJK.search(english), english

    page = signed_in("minfeng").get(f"/cases/{number}?lang=en").text
    shown = page[page.index('<pre class="letter">') :].split("</pre>", 1)[0]
    assert "I (we) undertake" in shown and not CJK.search(shown), shown
    assert "what is signed is the Chinese original" in page
