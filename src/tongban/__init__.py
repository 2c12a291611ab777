"""Tongban (通办): an online administrative-approval platform."""

__version__ = "0.1.0"
