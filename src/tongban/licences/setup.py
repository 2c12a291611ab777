"""How this process issues licences: its keyring, public address and font, configured
once from the settings by the composition root (app, CLI), else from the environment."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tongban.config import Settings, get_settings
from tongban.documents import pades
from tongban.documents.drawing import FontMissing, fonts
from tongban.documents.signing import Algorithm, Keyring, check_at_start

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LicenceSetup:
    keyring: Keyring  # the records' keys (Ed25519 or SM2)
    pdf_keyring: Keyring  # the keys of the signatures embedded in the PDFs (P-256)
    public_url: str
    font: Path | None

    def verify_url(self, identifier: str) -> str:
        """The public verification page of one licence (what its QR code opens)."""
        return f"{self.public_url.rstrip('/')}/licences/verify?q={identifier}"


_current: list[LicenceSetup] = []
_checked: list[bool] = []


def configure(settings: Settings) -> LicenceSetup:
    """Use ``settings`` from now on; runs the known-answer tests once per process and
    raises RuntimeError (logged) when one fails."""
    if not _checked:
        check_at_start()
        _checked.append(True)
    setup = LicenceSetup(
        keyring=Keyring(
            settings.keys_folder, Algorithm(settings.licence_signing), settings.licence_key_id
        ),
        pdf_keyring=pades.keyring(settings),
        public_url=settings.public_address,
        font=settings.licence_font,
    )
    _current[:] = [setup]
    try:
        fonts(settings.licence_font)
    except FontMissing as missing:  # pages still work; issuing a licence will say the same
        log.error("e-licences cannot be printed: %s", missing)
    return setup


def current() -> LicenceSetup:
    """The configured setup (from the environment's settings when none was)."""
    return _current[0] if _current else configure(get_settings())
