"""Pages of queue tickets (排号): book a slot, my tickets, the hall's kiosk (check in,
take a ticket), the hall display, and the window clerk's calling page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, OptionalUser, require_roles, source_of
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.catalog import service as catalog
from tongban.errors import DomainError, InvalidInput
from tongban.queueing import service
from tongban.queueing.models import QueueTicket
from tongban.web.deps import (
    CheckedForm,
    NowDep,
    RuntimeDep,
    SessionDep,
    get_now,
    get_runtime,
    see_other,
)
from tongban.web.i18n import KIOSK_COOKIE
from tongban.web.templating import render

TERMINAL_COOKIE = "tongban_kiosk_terminal"  # a registered terminal's token (``terminals``)

router = APIRouter()
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]
STATES_ZH = {
    "booked": "已预约",
    "waiting": "排队中",
    "called": "已叫号",
    "served": "已办理",
    "no_show": "过号",
    "cancelled": "已取消",
}


def _items(session: Session, hall: dict[str, Any]) -> list[dict[str, Any]]:
    """The definitions (``code``, ``name``, ``name_en`` …) of the published items and
    bundles a window of ``hall`` takes."""
    return [
        entry.current_version.definition
        for entry in catalog.list_entries(session)
        if entry.current_version and service.windows_for(hall, entry.department_code)
    ]


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/halls")
def halls_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The service halls, each with its address and links to book and to its kiosk."""
    return render(request, "queueing/halls.html", {"halls": service.halls(session)})


@router.get("/halls/{code}")
def booking_page(
    code: str,
    request: Request,
    session: SessionDep,
    now: NowDep,
    user: OptionalUser,
    item: str = "",
    day: str = "",
) -> Response:
    """Book a slot: the item, then the day, then a slot with places left (the 预约 button
    for a signed-in applicant, a way to sign in for anyone else)."""
    return _booking(request, session, code, now, item, day, None)


def _booking(
    request: Request,
    session: Session,
    code: str,
    now: datetime,
    item: str,
    day: str,
    refused: DomainError | None,
) -> Response:
    """The booking page; ``refused`` (a booking the service refused) is shown above the
    day's slots, with its status. Only days with a free slot (for the chosen item's
    windows) are offered; a working day today without one is said (今日已无可约时段)."""
    hall = service.hall_of(session, code)
    context: dict[str, Any] = {"hall": hall, "items": _items(session, hall), "days": []}
    context.update(item=item, day=day, slots=None, error=refused, today_full=False)
    try:
        department = service.department_of(session, hall, item) if item else None
    except DomainError as error:
        context["error"], department = error, None
    open_days = service.open_days(session, hall=hall, department=department, now=now)
    context.update(days=open_days.days, today_full=open_days.today_full)
    if department and day:
        try:
            chosen = date.fromisoformat(day)
            context["slots"] = service.slots(
                session, hall=hall, department=department, day=chosen, now=now
            )
        except ValueError:
            context["error"] = _bad_day()
    status = refused.status if refused else 200
    return render(request, "queueing/book.html", context, status_code=status)


def _bad_day() -> InvalidInput:
    return InvalidInput("请选择可预约的日期。", "Choose a day that can be booked.", field="day")


@router.post("/halls/{code}/book")
def book(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Book the chosen slot, then show my tickets; a refused booking shows the day's slots
    again with the reason."""
    item, day = _text(form, "item"), _text(form, "day")
    try:
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            raise _bad_day() from None
        service.book(
            session,
            applicant=user,
            hall_code=code,
            item_code=item,
            day=chosen,
            starts=_text(form, "starts"),
            now=now,
        )
    except DomainError as error:
        session.rollback()  # nothing half-done is kept
        return _booking(request, session, code, now, item, day, error)
    return see_other("/my/tickets")


@router.get("/my/tickets")
def my_tickets(
    request: Request, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> Response:
    """The person's tickets with their items, booked times and check-in codes; booked ones
    can be cancelled."""
    tickets = service.my_tickets(session, user=user)
    halls = {hall["code"]: hall for hall in service.halls(session)}
    context = {"tickets": tickets, "halls": halls, "states": STATES_ZH}
    context["waits"] = {t.id: service.wait_of(session, t, now) for t in tickets}
    context["facts"] = {t.id: service.facts_of(session, t) for t in tickets}
    return render(request, "queueing/my_tickets.html", context)


@router.post("/my/tickets/{ticket_id}/cancel")
def cancel(
    ticket_id: int, session: SessionDep, user: CurrentApplicant, form: CheckedForm
) -> Response:
    service.cancel(session, ticket_id=ticket_id, user=user)
    return see_other("/my/tickets")


def _by_department(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The items (definitions) by the code of their department, departments in code order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(str(item["department"]), []).append(item)
    return dict(sorted(groups.items()))


def _kiosk(
    request: Request,
    session: Session,
    code: str,
    ticket: QueueTicket | None,
    refused: DomainError | None = None,
    department: str = "",
) -> Response:
    """The kiosk page, with the ticket just checked in or taken, or with what was refused
    (and its status) so the person can try again at the terminal. Taking a ticket is two
    touches, no typing: the department (one large button each), then its item; a
    ``department`` the hall does not serve shows the departments again."""
    hall = service.hall_of(session, code)
    groups = _by_department(_items(session, hall))
    context: dict[str, Any] = {"hall": hall, "groups": groups, "ticket": ticket}
    context["department"] = department if department in groups else ""
    context["departments"] = {d.code: d for d in catalog.list_departments(session)}
    now = get_now(get_runtime(request))
    context["opening"] = service.opening(session, hall, now)
    context["wait"] = service.wait_of(session, ticket, now) if ticket else None
    context["error"] = refused
    status = refused.status if refused else 200
    return render(request, "queueing/kiosk.html", context, status_code=status)


@router.get("/halls/{code}/kiosk")
def kiosk(code: str, request: Request, session: SessionDep, department: str = "") -> Response:
    """The hall's self-service terminal: check in a booking, or take a ticket (the
    department's items when ``department`` is chosen)."""
    return _kiosk(request, session, code, None, department=department)


@router.post("/halls/{code}/kiosk/check-in")
def kiosk_check_in(
    code: str,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Check in a booking at the kiosk; codes finding nothing are limited per registered
    terminal of the hall, else per network address (``check_ins``)."""
    ticket = service.guarded_check_in(
        session,
        hall_code=code,
        code=_text(form, "code"),
        now=now,
        source=source_of(request),
        terminal=service.terminal_of(session, request.cookies.get(TERMINAL_COOKIE), hall_code=code),
        per_minute=runtime.settings.check_in_misses_per_source_per_minute,
    )
    if isinstance(ticket, DomainError):
        return _kiosk(request, session, code, None, ticket)  # a miss's audit is kept
    return _kiosk(request, session, code, ticket)


@router.post("/halls/{code}/kiosk/take")
def kiosk_take(
    code: str,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Take a ticket at the kiosk: counted per terminal on a registered terminal of the
    hall (``terminals``), else per network address like the API without sign-in."""
    settings, item = runtime.settings, _text(form, "item")
    terminal = service.terminal_of(session, request.cookies.get(TERMINAL_COOKIE), hall_code=code)
    try:
        if terminal is not None:
            ticket = service.take_at_terminal(
                session,
                terminal=terminal,
                item_code=item,
                now=now,
                per_day=settings.kiosk_tickets_per_terminal_per_day,
            )
        else:
            ticket = service.take_anonymously(
                session,
                hall_code=code,
                item_code=item,
                now=now,
                source=source_of(request),
                per_day=settings.hall_tickets_per_source_per_day,
            )
    except DomainError as error:
        session.rollback()
        return _kiosk(request, session, code, None, error, _text(form, "department"))
    return _kiosk(request, session, code, ticket)


@router.get("/kiosk/{code}")
def start_kiosk(code: str, session: SessionDep, terminal: str | None = None) -> Response:
    """Make this browser the hall's self-service terminal (kiosk mode: large type, an
    on-screen keypad, sign-ins ended and the screen wiped after ``kiosk_idle_seconds``);
    with ``terminal``, the token of a registered terminal of the hall, its tickets are
    counted per terminal (``queueing.terminals``; an unknown token is refused)."""
    service.hall_of(session, code)
    response = see_other(f"/halls/{code}/kiosk")
    year = 365 * 24 * 3600
    if terminal is not None:
        service.checked_terminal(session, terminal, hall_code=code)
        response.set_cookie(TERMINAL_COOKIE, terminal, max_age=year, httponly=True, samesite="lax")
    response.set_cookie(KIOSK_COOKIE, code, max_age=year, samesite="lax")
    return response


@router.get("/kiosk-exit")
def end_kiosk() -> Response:
    """This browser is an ordinary one again."""
    response = see_other("/halls")
    response.delete_cookie(KIOSK_COOKIE)
    response.delete_cookie(TERMINAL_COOKIE)
    return response


@router.get("/halls/{code}/display")
def display(code: str, request: Request, session: SessionDep, now: NowDep) -> Response:
    """The hall's call screen, refreshed every few seconds: each call's number and the
    window to go to, by its name and code."""
    hall = service.hall_of(session, code)
    calls = service.recent_calls(session, hall_code=code, now=now)
    return render(request, "queueing/display.html", {"hall": hall, "calls": calls})


def _place(at: str) -> tuple[str, str]:
    """``HALL/WINDOW`` (the calling page's choice) as (hall code, window code)."""
    hall, _, window = at.partition("/")
    return hall, window


@router.get("/staff/queue")
def staff_queue(
    request: Request, session: SessionDep, user: Clerk, now: NowDep, at: str = "", nobody: str = ""
) -> Response:
    """The window clerk's calling page: choose the window, call, then served or no-show;
    how many wait for the window now and are booked later, and (``nobody``) that 叫下一号
    found nobody to call."""
    halls = [
        {**hall, "windows": windows}
        for hall in service.halls(session)
        if (windows := [w for w in hall["windows"] if service.may_call(session, user, hall, w)])
    ]
    context: dict[str, Any] = {"halls": halls, "at": at, "current": None, "current_item": None}
    if at:
        hall, window = _place(at)
        current = service.current_call(session, hall_code=hall, window_code=window)
        context["current"] = current
        context["waiting"] = service.waiting_for(
            session, hall_code=hall, window_code=window, now=now
        )
        context["nobody"] = bool(nobody) and current is None
        if current is not None:  # its item (or bundle) by name, as the kiosk offered it
            taken = _items(session, service.hall_of(session, hall))
            context["current_item"] = next(
                (item for item in taken if item["code"] == current.item_code), None
            )
    return render(request, "queueing/staff.html", context)


@router.post("/staff/queue/call")
def staff_call(session: SessionDep, user: Clerk, now: NowDep, form: CheckedForm) -> Response:
    at = _text(form, "at")
    hall, window = _place(at)
    called = service.call_next(session, hall_code=hall, window_code=window, user=user, now=now)
    query = {"at": at} if called else {"at": at, "nobody": "1"}  # the page says why
    return see_other(f"/staff/queue?{urlencode(query)}")


@router.post("/staff/queue/{ticket_id}/close")
def staff_close(
    ticket_id: int, session: SessionDep, user: Clerk, now: NowDep, form: CheckedForm
) -> Response:
    served = _text(form, "outcome") == "served"
    ticket = service.close(session, ticket_id=ticket_id, user=user, served=served, now=now)
    at = f"{ticket.hall_code}/{ticket.window_code}"
    return see_other(f"/staff/queue?{urlencode({'at': at})}")
