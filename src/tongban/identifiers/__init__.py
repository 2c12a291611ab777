"""Chinese identifiers: resident ID numbers, unified social credit codes, divisions,
mobile phone numbers; :mod:`formats` says which form fields hold which.

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
    validate_division_code,
)
from tongban.identifiers.errors import IdentifierError
from tongban.identifiers.formats import KINDS, Kind, kind_of, party_kind
from tongban.identifiers.licence import (
    LicenceIdentifier,
    make_licence_identifier,
    mod_37_36_check_character,
    validate_licence_identifier,
)
from tongban.identifiers.phone import normalise_phone, validate_mobile_phone
from tongban.identifiers.resident import (
    ResidentId,
    make_resident_id,
    resident_check_character,
    validate_resident_id,
)

__all__ = [
    "KINDS",
    "CreditCode",
    "Division",
    "IdentifierError",
    "Kind",
    "LicenceIdentifier",
    "ResidentId",
    "credit_check_character",
    "division",
    "is_known_division",
    "iter_divisions",
    "kind_of",
    "make_credit_code",
    "make_licence_identifier",
    "make_resident_id",
    "mod_37_36_check_character",
    "normalise_phone",
    "organisation_check_character",
    "party_kind",
    "province_of",
    "resident_check_character",
    "validate_credit_code",
    "validate_division_code",
    "validate_licence_identifier",
    "validate_mobile_phone",
    "validate_resident_id",
]
