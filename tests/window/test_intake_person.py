"""The intake page tells the clerk what the shared sources held of the walk-in: never that
data was pulled and locked when no source had a record of the person."""

from __future__ import annotations

from tests.web.support import ITEM, SignedIn, csrf

UNKNOWN = "350203198505051230"  # valid (GB 11643), in no register


def test_a_person_no_register_holds_is_asked_every_field(signed_in: SignedIn) -> None:
    clerk = signed_in("clerk")
    token = csrf(clerk.get(f"/staff/intake/{ITEM}").text)
    person = {"walkin_id_number": UNKNOWN, "walkin_name": "赵六", "walkin_phone": "13900000009"}
    started = clerk.post(
        f"/staff/intake/{ITEM}", data={**person, "csrf_token": token, "intent": "start"}
    )
    assert started.status_code == 200, started.text
    assert "共享数据中没有此人的记录" in started.text
    assert "已按身份号码调取共享数据" not in started.text
