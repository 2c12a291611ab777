"""The licences a unit of work issued, by case, for its later steps: the holder of a
bundle's later licences (the company its 营业执照 registered) and the shared data the
results feed, found without reading the licences back.

A case's results are all issued in one unit of work (its decision, or its issuing
stage: ``cases.issue_results``), so these are all the licences of the case.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban import txcache
from tongban.licences.models import Licence

_KEY = "licences.issued"


def note(session: Session, licence: Licence) -> None:
    """``licence`` was issued in this unit of work."""
    txcache.kept(session, _KEY).setdefault(licence.case_id, []).append(licence)


def on_case(session: Session, *, case_id: int) -> list[Licence]:
    """The licences issued on case ``case_id`` in this unit of work, oldest first (one
    issued in a savepoint since rolled back is left out)."""
    issued: list[Licence] = txcache.kept(session, _KEY).get(case_id, [])
    return [licence for licence in issued if licence in session]
