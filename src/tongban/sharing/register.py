"""Imported at start-up (``tongban.models.load_all``): registers what ``sharing`` adds to
the case engine: form fillers (pulled fields first, they win over suggestions) and the
provider of the material way "pulled from a shared source"."""

from tongban.sharing import materials, ownfill, pulling

__all__ = ["materials", "ownfill", "pulling"]
