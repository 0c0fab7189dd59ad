"""Cached dashboard aggregates, keyed by scope + filters + a data version.

Each aggregate is stored in the Django cache (Redis) under
`dashboard:<version>:<chart>:<scope>:<filters>`. The version is one counter that
`bump_data_version()` moves on whenever the underlying rows change (signals in
`dashboard/signals.py`, and after every daily job run), so a change shows up on the next request
and stale entries are simply never read again (they expire after `DASHBOARD_CACHE_SECONDS`,
which also bounds staleness after bulk writes that send no signals).

Fail-soft: with Redis down the version cannot be read, nothing is cached and every aggregate is
computed from the database; the page is slower, never broken.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from crm.roles import Role, has_role, sees_everything

logger = logging.getLogger(__name__)

VERSION_KEY = "dashboard:data-version"
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_MISSING = object()


def scope_key(user) -> str:
    """The viewer's scope: "all" for the bank, "lead-<id>" for a team lead, "rm-<id>" else.

    Users with the same key see exactly the same rows, so they share cached aggregates.
    """
    if sees_everything(user):
        return "all"
    if has_role(user, Role.TEAM_LEAD):
        return f"lead-{user.pk}"
    if has_role(user, Role.RELATIONSHIP_MANAGER):
        return f"rm-{user.pk}"
    return "none"


def data_version() -> int | None:
    """The current data version, created on first use; None when the cache is unreachable."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # A fresh counter starts from the clock, so a counter lost to eviction never
            # starts again at a number older entries were stored under.
            cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
            version = cache.get(VERSION_KEY)
    except _DOWN as exc:  # the fail-soft cache swallows these; a plain RedisCache does not
        logger.warning("dashboard cache unavailable: %s", exc)
        return None
    return version


def bump_data_version() -> None:
    """Invalidate every cached aggregate: the next read computes from the database."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no counter yet: the next read creates one
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    except _DOWN as exc:
        logger.warning("dashboard cache unavailable, version not bumped: %s", exc)


def cached_aggregate(name: str, *, user, filters, compute):
    """`compute()` through the cache under this chart, the user's scope and the filters."""
    version = data_version()
    if version is None:
        return compute()
    key = f"dashboard:{version}:{name}:{scope_key(user)}:{filters.cache_key()}"
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    value = compute()
    cache.set(key, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return value
