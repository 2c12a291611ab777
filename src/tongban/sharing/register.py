"""Imported at start-up (``tongban.models.load_all``): registers what ``sharing`` adds to
the case engine: form fillers (pulled fields first, they win over suggestions), the
provider of the material way "pulled from a shared source", the facts used once
(``once``), the check of a registration's carried credit code
(``registering``), the registers' answer to real-name verification (``identity``), what
issued results put into the sources (``feeding``) and the log of a draft's material pulls
(``draftlog``, after the fillers whose locked values it reads)."""

from tongban.sharing import (
    draftlog,
    feeding,
    identity,
    materials,
    once,
    ownfill,
    pulling,
    registering,
)

__all__ = [
    "draftlog",
    "feeding",
    "identity",
    "materials",
    "once",
    "ownfill",
    "pulling",
    "registering",
]
