"""Errors of the working-day calendar domain."""

from tongban.errors import InvalidInput


class CalendarError(InvalidInput):
    """Calendar data that cannot be stored as given; the messages say what to fix."""

    code = "calendar_invalid"
