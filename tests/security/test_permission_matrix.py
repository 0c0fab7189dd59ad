"""Every page and API endpoint x every kind of caller, asserting the exact status.

The policy is the data in tests/security/matrix.py; this test only runs it. The world
(tests/security/world.py) is built once for the module inside a transaction that is rolled
back at the end; each row runs in its own savepoint (pytest-django's `db`) and each actor's
request in a nested savepoint that is rolled back, so every actor of every row meets the
same state. A denied write must leave every table of the project's apps exactly as it was.
"""

import hashlib

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.security.matrix import ROWS, Row
from tests.security.world import ACTORS, build_world

# Pages an anonymous caller may use: their redirect goes where the request says, not to login.
ANONYMOUS_MAY = {"logout", "set_language"}

PROJECT_APPS = (
    "crm",
    "customers",
    "loans",
    "risk",
    "interactions",
    "notifications",
    "privacy",
    "audit",
)


def database_snapshot() -> dict[str, str]:
    """A digest of every row of every table of the project's apps, by model."""
    digests = {}
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            rows = model._base_manager.order_by("pk")
            if model._meta.label == "crm.AccessLog":
                # A failed login is recorded even though the request is refused: that entry
                # is the refusal's own trace, not a change the caller made.
                rows = rows.exclude(action="login_failed")
            rows = rows.values_list()
            digests[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def fill(template, ids):
    """Put the world's ids into a path or body template."""
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    return template


def client_for(row: Row, user):
    """A client for the row's kind of endpoint, authenticated as `user` (None = anonymous).

    Pages log in for real (a session), the API authenticates the request directly; both
    before the snapshot, so the login's own writes (last_login) are not counted."""
    if row.is_api:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(row: Row, client, ids):
    """Make the row's request; returns the response."""
    path = fill(row.path, ids)
    data = fill(row.data, ids) if row.data is not None else None
    method = getattr(client, row.method.lower())
    if row.is_api:
        kwargs = {"format": row.format} if data is not None else {}
        return method(path, data, **kwargs)
    return method(path, data or {})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for all rows; rolled back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def row_id(row: Row) -> str:
    return f"{row.method} {row.path}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_permission_matrix(row, world, db):
    # given: the world, and one caller of each kind
    expected, refused = row.statuses, row.refused
    observed, problems = {}, []
    for actor in ACTORS:
        with transaction.atomic():
            client = client_for(row, world.users.get(actor))
            before = database_snapshot() if row.method != "GET" else None
            # when
            response = send(row, client, world.ids)
            status = observed[actor] = response.status_code
            # then: the exact status, a login redirect for anonymous pages, no change when denied
            if status != expected[actor]:
                body = response.content[:200].decode(errors="replace")
                problems.append(f"{actor}: expected {expected[actor]}, got {status}: {body}")
            elif actor == "anonymous" and not row.is_api and status == 302:
                location = response.headers.get("Location", "")
                if row.name not in ANONYMOUS_MAY and "/accounts/login/" not in location:
                    problems.append(f"anonymous: redirected to {location}, not the login page")
            if before is not None and (status >= 400 or actor in refused):
                after = database_snapshot()
                changed = sorted(label for label in before if before[label] != after[label])
                if changed:
                    problems.append(f"{actor}: denied ({status}) but changed {changed}")
            transaction.set_rollback(True)
    observed_line = " ".join(
        f"{observed[actor]}{'r' if actor in refused else ''}" for actor in ACTORS
    )
    assert not problems, (
        f"{row_id(row)} ({row.name}):\n  "
        + "\n  ".join(problems)
        + f"\n  observed: {observed_line}\n  expected: {' '.join(row.expect.split())}"
    )
