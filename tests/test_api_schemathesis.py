"""Schemathesis reads /api/v1/openapi.json and throws generated requests, valid and invalid,
at every operation: none may end in a server error or in a response the document does not
describe (status, content type, headers, body). The number of examples is bounded so that CI
stays quick; raise API_FUZZ_EXAMPLES for a longer hunt.

Schemathesis' own pytest plugin does not run on pytest 9 yet, so the operations are driven
through Hypothesis directly, with the same strategies and checks."""

import contextvars
import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from planner.accounts.models import Role

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_every_operation_keeps_to_its_document(app, demo_visit, api_as):
    # On the demo data the generated ids often find something real: a visit, its stops.
    headers = {"Authorization": f"Bearer {api_as(Role.ADMIN).secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    failures = {}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_its_document(case):
            # Each request in a context of its own, as a server runs it (see conftest).
            contextvars.Context().run(case.call_and_validate, headers=headers, checks=CHECKS)

        try:
            keeps_to_its_document()
        except Exception as error:  # noqa: BLE001 - gather every operation's failure
            failures[operation.label] = str(error)[:2000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
