"""API fuzzing with schemathesis against the project's own OpenAPI document: whatever a
client sends, the API answers with a documented error, never a server error.

Hypothesis strategies are taken per operation (the schemathesis pytest plugin's fixture
loader does not run on pytest 9).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tongban.app import create_app
from tongban.web.runtime import Runtime

# never a server error; every status, content type and body as the document says
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @FUZZ
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def test_no_request_makes_the_server_fail(runtime: Runtime, as_user: Any) -> None:
    schema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", create_app(runtime, start_worker=False)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        _fuzz(operation, as_user("scjg") if "/tasks" in operation.path else as_user("minfeng"))
