"""API fuzzing with schemathesis against the project's own OpenAPI document, as each kind
of caller: whatever a client sends, the API answers with a documented error, never a
server error, and every answer keeps to the document (status, content type, body schema).

Hypothesis strategies are taken per operation (the schemathesis pytest plugin's fixture
loader does not run on pytest 9). Prints ``api fuzzing, <role>: N requests, 0 server
errors, 0 schema-breaking responses``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import figures
from tongban.app import create_app
from tongban.web.runtime import Runtime

# every status, content type and body as the document says
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = figures.scaled(3, 60)  # per operation and role
TIMEOUT = 120  # seconds; schemathesis' default 10 s ends a slow answer on a loaded machine
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
ROLES = {"anonymous": None, "applicant": "minfeng", "staff": "scjg"}


def _fuzz(operation: Any, headers: dict[str, str], found: dict[str, list[str]]) -> int:
    """Send the operation's generated cases; returns how many, failures go to ``found``."""
    sent = 0

    @FUZZ
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        nonlocal sent
        response = case.call(headers=headers, timeout=TIMEOUT)
        sent += 1
        where = f"{case.method} {case.formatted_path} → {response.status_code}"
        if response.status_code >= 500:
            found["server errors"].append(where)
        try:
            case.validate_response(response, checks=CONFORMANCE, headers=headers)
        except Exception as failure:  # schemathesis' failure group: each check that failed
            found["schema-breaking responses"].append(f"{where}: {str(failure)[:300]}")

    call()
    return sent


@pytest.mark.parametrize("role", list(ROLES))
def test_no_request_makes_the_server_fail(runtime: Runtime, as_user: Any, role: str) -> None:
    schema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", create_app(runtime, start_worker=False)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    username = ROLES[role]
    headers = as_user(username) if username else {}
    found: dict[str, list[str]] = {"server errors": [], "schema-breaking responses": []}
    sent = sum(_fuzz(operation, headers, found) for operation in operations)
    figures.count(
        f"api fuzzing, {role}",
        operations=len(operations),
        requests=sent,
        server_errors=len(found["server errors"]),
        schema_breaking_responses=len(found["schema-breaking responses"]),
    )
    assert found == {"server errors": [], "schema-breaking responses": []}
