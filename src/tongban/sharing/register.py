"""Imported at start-up (``tongban.models.load_all``): registers what ``sharing`` adds to
the case engine: form fillers (pulled fields first, they win over suggestions), the
provider of the material way "pulled from a shared source", the facts used once
(``once``), the check of a registration's carried credit code
(``registering``), the registers' answer to real-name verification (``identity``) and what issued results put into the sources (``feeding``)."""

from tongban.sharing import feeding, identity, materials, once, ownfill, pulling, registering

__all__ = ["feeding", "identity", "materials", "once", "ownfill", "pulling", "registering"]
