"""Chinese identifiers: resident ID numbers, unified social credit codes, divisions.

Validators return frozen dataclasses (with non-fatal ``warnings``) or raise
:class:`IdentifierError` with a Chinese and an English message saying what to fix.
"""

from tongban.identifiers.credit import (
    CreditCode,
    credit_check_character,
    make_credit_code,
    organisation_check_character,
    validate_credit_code,
)
from tongban.identifiers.divisions import (
    Division,
    division,
    is_known_division,
    iter_divisions,
    province_of,
)
from tongban.identifiers.errors import IdentifierError
from tongban.identifiers.resident import (
    ResidentId,
    make_resident_id,
    resident_check_character,
    validate_resident_id,
)

__all__ = [
    "CreditCode",
    "Division",
    "IdentifierError",
    "ResidentId",
    "credit_check_character",
    "division",
    "is_known_division",
    "iter_divisions",
    "make_credit_code",
    "make_resident_id",
    "organisation_check_character",
    "province_of",
    "resident_check_character",
    "validate_credit_code",
    "validate_resident_id",
]
