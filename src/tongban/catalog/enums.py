"""Catalog vocabulary."""

from enum import StrEnum


class EntryKind(StrEnum):
    item = "item"  # 事项
    bundle = "bundle"  # 一件事


class EntryStatus(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


class ApprovalMode(StrEnum):
    ordinary = "ordinary"
    commitment = "commitment"  # 告知承诺制
    instant = "instant"  # 秒批


class TimeUnit(StrEnum):
    working_days = "working_days"
    hours = "hours"
