"""The synthetic population and page sign-in of the instant tests."""

from tests.instant.conftest import population, signed_in  # noqa: F401  (fixtures)
