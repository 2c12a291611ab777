"""The licence types the e-licence library knows (电子证照类型), against which the loader
checks a material's ``licence_type``: a material that names a type no licence is issued
or held under could never be satisfied by a held licence, so it is refused at loading.

``catalog`` sits below ``licences``, so it only keeps this set; the licences domain
registers its table of types when it is imported (``tongban.models.load_all``).
"""

from __future__ import annotations

from collections.abc import Iterable

_KNOWN: set[str] = set()


def register(names: Iterable[str]) -> None:
    """Add licence type names (证照名称) the e-licence library knows."""
    _KNOWN.update(names)


def known() -> frozenset[str]:
    """Every registered licence type name."""
    return frozenset(_KNOWN)
