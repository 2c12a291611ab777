"""The page fixtures of tests/web, for the inspection pages."""

from tests.web.conftest import signed_in

__all__ = ["signed_in"]
