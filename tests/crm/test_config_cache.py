"""Policy tables through crm/config_cache.py: one read, then the cache; a save is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import ContactPolicy
from interactions.selectors import policy_table


@pytest.fixture
def policy(db):
    row, _ = ContactPolicy.objects.update_or_create(
        loan_stage="post_loan", tier="general", risk_level="low", defaults={"interval_days": 90}
    )
    return row


def test_the_table_is_read_once_then_served_from_the_cache(policy):
    first = policy_table()
    with CaptureQueriesContext(connection) as queries:
        again = policy_table()

    assert again == first
    assert len(queries) == 0


def test_an_admin_save_is_seen_on_the_next_read(policy):
    assert policy_table()[("post_loan", "general", "low")] == 90
    policy.interval_days = 45
    policy.save()

    assert policy_table()[("post_loan", "general", "low")] == 45


def test_with_redis_down_the_table_is_read_from_the_database(policy, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "notifications.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    expected = {
        (p.loan_stage, p.tier, p.risk_level): p.interval_days for p in ContactPolicy.objects.all()
    }

    assert policy_table() == expected
    assert expected[("post_loan", "general", "low")] == 90
