"""One deadline, one way of writing it (issue 8, fault 5): the receipt, the case page, the
queue, the task page and the API print the same due time; a limit in working days shows
its last day, never the next midnight; hours left are hours and minutes.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import act, open_task, submitted
from tests.web.support import ITEM, SignedIn, found
from tongban import timefmt
from tongban.web.i18n import ngettext_for

HOUR_ITEM = "3501-GA-001"  # 刻章备案: promised 2 office hours (legal: 1 working day)
MIDNIGHT = re.compile(r"\d{4}-\d\d-\d\d 00:00")


def test_a_day_limit_is_shown_as_its_last_day_everywhere(
    client: TestClient, as_user, signed_in: SignedIn
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    api = client.get(f"/api/v1/cases/{number}", headers=as_user("zhangsan")).json()
    # submitted Monday 2025-09-22 09:00; the accept stage is due the same day (即办)
    assert api["time_left"]["due_at"].startswith("2025-09-22T16:00")  # 24:00 in Fuzhou
    assert api["time_left"]["due_date"] == "2025-09-22"
    assert api["time_left"]["due_label"] == "2025-09-22"
    case_page = signed_in("zhangsan").get(f"/cases/{number}").text
    receipt = client.get(f"/cases/{number}/receipt").text
    staff = signed_in("rs")
    queue = staff.get("/staff").text
    task = staff.get(found(rf'href="(/staff/tasks/\d+)">{number}', queue)).text
    row = found(rf"({number}.*?)</tr>", queue.replace("\n", " "))
    for page in (case_page, row, task):
        assert "2025-09-22" in page and not MIDNIGHT.search(page), page
    assert "截至 2025-09-28" in receipt and not MIDNIGHT.search(receipt)  # art. 32: 5 days
    # the case page states the receipt's acceptance deadline too, in the same words
    accepting = found(r"<dt>受理期限</dt>\s*<dd>(.*?)</dd>", case_page)
    assert "截至 2025-09-28" in accepting and "第三十二条" in accepting
    # and says that the nearer date is the window's own same-day stage, then the legal date
    stage = found(r"<dt>受理环节剩余时间</dt>\s*<dd>(.*?)</dd>", case_page)
    assert "2025-09-22" in stage and "窗口承诺的受理时限；法定受理期限截至 2025-09-28" in stage


def test_hours_left_are_hours_and_minutes(
    client: TestClient, as_user, signed_in: SignedIn, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("minfeng"), HOUR_ITEM)["number"]
    ga = as_user("ga")
    assert act(client, ga, open_task(client, ga, number, "accept"), "accept").status_code == 200
    clock.advance(hours=1, minutes=12)  # 09:00 accepted, promised 2 office hours
    page = signed_in("minfeng").get(f"/cases/{number}").text
    assert "剩余 48 分钟" in page and "0.8" not in page
    assert "2025-09-22 11:00" in page  # an hour limit ends at a moment: date and time
    clock.advance(hours=2, minutes=6)
    english = signed_in("minfeng").get(f"/cases/{number}?lang=en").text
    assert "Overdue by 1 hour 18 minutes" in english, re.findall(r"class=\"left[^<]*<", english)


def test_57_minutes_left_read_57_minutes_on_every_page(
    client: TestClient, as_user, signed_in: SignedIn, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("minfeng"), HOUR_ITEM)["number"]
    ga = as_user("ga")
    assert act(client, ga, open_task(client, ga, number, "accept"), "accept").status_code == 200
    clock.advance(minutes=2, seconds=30)  # review due 10:00, the promise 11:00
    staff = signed_in("ga")
    queue = staff.get("/staff").text
    task = staff.get(found(rf'href="(/staff/tasks/\d+)">{number}', queue)).text
    for shown in (found(rf"({number}.*?)</tr>", queue.replace("\n", " ")), task):
        assert "剩余 57 分钟" in shown, re.findall(r'class="left[^<]*<', shown)
    page = signed_in("minfeng").get(f"/cases/{number}").text
    assert "剩余 1 小时 57 分钟" in page, re.findall(r'class="left[^<]*<', page)
    assert "用时 2 分钟" in page, re.findall(r"用时[^<]*", page)  # review so far, not 0 分钟
    clock.advance(hours=1)
    page = signed_in("minfeng").get(f"/cases/{number}").text
    assert "剩余 57 分钟" in page, re.findall(r'class="left[^<]*<', page)
    clock.advance(minutes=54)  # 3 minutes and a half left
    page = signed_in("minfeng").get(f"/cases/{number}").text
    assert "剩余 3 分钟" in page and "0.1 小时" not in page


def test_an_instant_acceptance_page_shows_time_to_the_office_close(
    client: TestClient, as_user, signed_in: SignedIn, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=1)  # Monday 10:00
    number = submitted(client, as_user("minfeng"), HOUR_ITEM)["number"]
    page = signed_in("minfeng").get(f"/cases/{number}").text
    stage = found(r"<dt>受理环节剩余时间</dt>\s*<dd>(.*?)</dd>", page)
    assert "剩余 7 小时" in stage and "2025-09-22 17:00" in stage and "超期" not in stage


def test_durations_read_as_people_say_them() -> None:
    zh, en = ngettext_for("zh_Hans"), ngettext_for("en")
    assert timefmt.duration(0.8, "hours", zh) == "48 分钟"
    assert timefmt.duration(2.25, "hours", zh) == "2 小时 15 分钟"
    assert timefmt.duration(-3, "hours", zh) == "3 小时"
    assert timefmt.duration(3, "working_days", zh) == "3 个工作日"
    assert timefmt.duration(2.25, "hours", en) == "2 hours 15 minutes"
    assert timefmt.duration(1, "working_days", en) == "1 working day"
    assert timefmt.duration(57, "minutes", zh) == "57 分钟"
    assert timefmt.duration(125, "minutes", zh) == "2 小时 5 分钟"
    assert timefmt.duration(-12, "minutes", zh) == "12 分钟"
    assert timefmt.duration(60, "minutes", en) == "1 hour"


def test_a_limit_of_0_reads_same_day_not_0_hours(
    client: TestClient, as_user, signed_in: SignedIn
) -> None:  # type: ignore[no-untyped-def]
    guide = client.get(f"/items/{HOUR_ITEM}").text.replace("\n", " ")
    accept = found(r"(<tr><td>[^<]*受理.*?</tr>)", guide)
    assert "当日办结" in accept and "0 小时" not in accept, accept
    number = submitted(client, as_user("zhangsan"), "3501-YB-003")["number"]  # promised 0 days
    page = signed_in("zhangsan").get(f"/cases/{number}").text
    promised = found(r"<dt>承诺期限</dt>\s*<dd>(.*?)</dd>", page)
    assert "当日办结" in promised and "0 个工作日" not in promised, promised
