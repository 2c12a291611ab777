"""Levels of a time-limit alert and what they watch."""

from enum import StrEnum


class AlertLevel(StrEnum):
    """电子监察: yellow at a share of the limit, red at the limit, escalated after a grace."""

    warning = "warning"  # 预警 (yellow)
    overdue = "overdue"  # 超期 (red)
    escalated = "escalated"  # 督办: the department head and the supervisors are told


class Watched(StrEnum):
    """What an alert is about."""

    clock = "clock"  # a stage, or the whole case (promised, legal limit)
    verification = "verification"  # a 协查 request
    rating = "rating"  # a bad rating's rectification (好差评整改)
    complaint = "complaint"  # a complaint's, suggestion's or consultation's answer (12345)
    inspection = "inspection"  # an on-site inspection's own limit (现场踏勘)
