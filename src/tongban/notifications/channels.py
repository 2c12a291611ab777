"""How a message leaves: e-mail over SMTP, SMS through a provider.

An SMS provider is any object with ``send(*, phone: str, text: str) -> None`` that raises
on failure. Two come with Tongban: ``file`` appends JSON lines to ``sms_file`` (the
default, for development and for a gateway that picks the file up) and ``console`` writes
to the log. A real gateway is plugged as ``TONGBAN_SMS_PROVIDER=package.module:Class``;
the class is built with the settings (docs/notifications.md).
"""

from __future__ import annotations

import importlib
import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from typing import Protocol

import structlog

from tongban.config import Settings
from tongban.errors import InvalidInput

log = structlog.get_logger("tongban.notifications")


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class FileSms:
    """Appends each SMS as a JSON line ``{"phone": …, "text": …}`` to ``settings.sms_path``."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.sms_path

    def send(self, *, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n")


class ConsoleSms:
    """Writes each SMS to the log (``sms.sent``)."""

    def __init__(self, settings: Settings) -> None:
        del settings

    def send(self, *, phone: str, text: str) -> None:
        log.info("sms.sent", phone=phone, text=text)


def sms_provider(settings: Settings) -> SmsProvider:
    """The provider ``settings.sms_provider`` names; InvalidInput for one that cannot be loaded."""
    name = settings.sms_provider
    if name == "file":
        return FileSms(settings)
    if name == "console":
        return ConsoleSms(settings)
    module_name, _, class_name = name.partition(":")
    try:
        provider_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise InvalidInput(
            f"无法加载短信通道 TONGBAN_SMS_PROVIDER={name}：{error}",
            f"Cannot load the SMS provider TONGBAN_SMS_PROVIDER={name}: {error}",
            field="sms_provider",
        ) from error
    provider: SmsProvider = provider_class(settings)
    return provider


def email_message(settings: Settings, *, to: str, subject: str, body: str) -> EmailMessage:
    """A UTF-8 text e-mail: the subject is RFC 2047-encoded, the body base64 or QP as needed."""
    message = EmailMessage()
    name, address = parseaddr(settings.mail_from)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=address.partition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    return message


def send_email(settings: Settings, *, to: str, subject: str, body: str) -> None:
    """Send one e-mail through the configured SMTP server; raises on any failure."""
    if not settings.smtp_host:
        raise RuntimeError("TONGBAN_SMTP_HOST is not set")
    message = email_message(settings, to=to, subject=subject, body=body)
    timeout = settings.smtp_timeout_seconds
    client: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password or "")
        client.send_message(message)
