"""The account's own data prefilled on a form (still editable): its e-mail like its phone."""

from __future__ import annotations

import re

from tests.web.support import SignedIn


def test_the_account_s_e_mail_is_prefilled_like_its_phone(signed_in: SignedIn) -> None:
    html = signed_in("minfeng").get("/apply/3501-SCJG-001?s_premises=leased").text
    email = re.search(r'<input type="email" id="f-email"[^>]*>', html)
    assert email is not None and 'value="minfeng@tongban.example"' in email.group(0)
    assert 'id="s-email">来自您的账号信息</p>' in html
