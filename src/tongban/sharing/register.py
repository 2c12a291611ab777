"""Imported at start-up (``tongban.models.load_all``): registers what ``sharing`` adds to
the case engine. Order matters: pulled fields first, they win over suggestions."""

from tongban.sharing import ownfill, pulling

__all__ = ["ownfill", "pulling"]
