"""Generated bad input: schemathesis against our own OpenAPI schema, in-process (WSGI).

Every operation, as coordinator, provider and referrer (each with an API key), with generated
path ids, query parameters and bodies. Checks: no 5xx (`not_a_server_error`) and no status
code the schema does not document (`status_code_conformance`). Left out on purpose:
- response_schema_conformance / content_type_conformance: response bodies of hand-built
  payloads are documented loosely by their apps; this test is about input, not output shape.
- negative_data_rejection: DRF accepts some "schema-invalid" input by design (unknown keys
  are ignored, numeric strings are coerced), which that check reports as a failure.
- positive_data_acceptance: schema-valid input is refused on purpose with 404 (outside the
  caller's scope, random ids) or 409 (state), which that check reports as a failure.
- use_after_free / ensure_resource_availability / ignored_auth: stateful checks; the access
  matrix (test_access_matrix.py) covers scope and authentication.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from accounts.tokens import api_token_create
from tests.conftest import Cast
from tests.security.conftest import report


def _load() -> Any:
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(None, True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


schema = _load()
ROLES = ["coordinator", "provider_a", "referrer"]
EXAMPLES = 20  # with the coverage phase: about 6,000 requests in about 3 minutes
# Known gaps in the schema, owned by their app, as {(method, path): {status, …}}: a status
# listed here is checked for "no 5xx" only. Empty: every answer is documented.
UNDOCUMENTED: dict[tuple[str, str], set[int]] = {}


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The real WSGI handler closes the database connection after each request, which would
    end the test's transaction; django.test.Client unhooks the same signal."""
    request_finished.disconnect(close_old_connections)
    request_started.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def caller(request: pytest.FixtureRequest, cast: Cast) -> dict[str, Any]:
    user = getattr(cast, request.param)
    _, key = api_token_create(user=user, name="schemathesis")
    return {"role": request.param, "headers": {"Authorization": f"Token {key}"}}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_input(case: Any, caller: dict[str, Any]) -> None:
    response = case.call(headers=caller["headers"])
    report("generated input", requests=1, **{"5xx": int(response.status_code >= 500)})
    known = UNDOCUMENTED.get((case.method.upper(), case.path), set())
    if response.status_code in known:
        case.validate_response(response, checks=[not_a_server_error])
    else:
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
