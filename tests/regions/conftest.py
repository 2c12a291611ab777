"""The region tests use the page fixtures (``signed_in``)."""

from tests.web.conftest import signed_in

__all__ = ["signed_in"]
