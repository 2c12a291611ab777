"""Queue tickets (排号): what other code and the routes call. Halls and windows in
``halls``; getting a ticket (booking, at the hall, cancelling) in ``booking``; check-in,
calling and the display in ``calling`` (check-in without sign-in, limited against guessing,
in ``check_ins``); the halls' registered kiosk terminals in
``terminals``.
"""

from tongban.queueing.booking import (
    BOOKING_DAYS,
    OpenDays,
    SlotView,
    TicketFacts,
    book,
    bookable_days,
    cancel,
    facts_of,
    my_tickets,
    open_days,
    slots,
    take_anonymously,
    take_at_hall,
)
from tongban.queueing.calling import (
    call_next,
    check_in,
    close,
    current_call,
    may_call,
    nothing_to_call,
    recent_calls,
    wait_of,
    waiting_for,
)
from tongban.queueing.check_ins import guarded_check_in
from tongban.queueing.halls import (
    department_of,
    hall_of,
    halls,
    slot_start,
    window_of,
    windows_for,
)
from tongban.queueing.terminals import (
    checked_terminal,
    list_terminals,
    register_terminal,
    revoke_terminal,
    take_at_terminal,
    terminal_of,
)

__all__ = [
    "BOOKING_DAYS",
    "OpenDays",
    "SlotView",
    "TicketFacts",
    "book",
    "bookable_days",
    "call_next",
    "cancel",
    "check_in",
    "checked_terminal",
    "close",
    "current_call",
    "department_of",
    "facts_of",
    "guarded_check_in",
    "hall_of",
    "halls",
    "list_terminals",
    "may_call",
    "my_tickets",
    "nothing_to_call",
    "open_days",
    "recent_calls",
    "register_terminal",
    "revoke_terminal",
    "slot_start",
    "slots",
    "take_anonymously",
    "take_at_hall",
    "take_at_terminal",
    "terminal_of",
    "wait_of",
    "waiting_for",
    "window_of",
    "windows_for",
]
