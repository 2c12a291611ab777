"""Benefit vocabulary."""

from enum import StrEnum


class OfferState(StrEnum):
    """Where an offer stands: found eligible and told (``offered``), or ``granted`` (its case
    done)."""

    offered = "offered"
    granted = "granted"


class GrantWay(StrEnum):
    """How a policy grants: the person confirms with one click, or with no action."""

    accept = "accept"  # 一键确认
    automatic = "automatic"  # 无感发放
