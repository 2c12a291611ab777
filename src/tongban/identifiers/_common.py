"""Small helpers shared by the identifier validators."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta, timezone

from tongban.timeutil import utcnow

# China has a single zone without daylight saving, so a fixed offset is exact and
# avoids depending on the tz database being installed.
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

DIGITS = frozenset("0123456789")


def china_today() -> date:
    """Today's date in China, which is what "not born in the future" means here."""
    return utcnow().astimezone(_CHINA).date()


def normalise(value: str) -> str:
    """Fold full-width characters (common with Chinese IMEs), trim, upper-case."""
    return unicodedata.normalize("NFKC", value).strip().upper()


def is_digits(value: str) -> bool:
    """True for ASCII digits only; ``str.isdigit`` also accepts e.g. '²' and '٣'."""
    return bool(value) and all(c in DIGITS for c in value)
