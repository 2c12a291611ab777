"""Which channel (办事渠道) a request applying for a case came through."""

from __future__ import annotations

from starlette.requests import Request

from tongban.cases.enums import Channel
from tongban.web.i18n import kiosk_of

# User-Agent words of phones and tablets (the Client Hint Sec-CH-UA-Mobile says it outright)
_MOBILE_WORDS = ("Mobile", "Android", "iPhone", "iPad", "HarmonyOS", "MicroMessenger")


def channel_of(request: Request) -> Channel:
    """``api`` under /api/, ``kiosk`` on a hall's self-service terminal, ``mobile`` on a
    phone or tablet, else ``web``. The window sets ``window`` itself."""
    if request.url.path.startswith("/api/"):
        return Channel.api
    if kiosk_of(request):
        return Channel.kiosk
    agent = request.headers.get("user-agent", "")
    mobile = request.headers.get("sec-ch-ua-mobile") == "?1"
    return Channel.mobile if mobile or any(w in agent for w in _MOBILE_WORDS) else Channel.web
