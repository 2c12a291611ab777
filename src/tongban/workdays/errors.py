"""Errors of the working-day calendar domain."""

from tongban.errors import Conflict, DomainError, InvalidInput


class CalendarError(InvalidInput):
    """Calendar data that cannot be stored as given; the messages say what to fix."""

    code = "calendar_invalid"


class ConfirmationRequired(DomainError):
    """Replacing a year needs the confirmation of a preview of what it changes."""

    status = 428
    code = "calendar_confirmation_required"


class PreviewOutdated(Conflict):
    """The year or the proposal changed since the preview that was confirmed."""

    code = "calendar_preview_outdated"
