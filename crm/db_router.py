"""Read replicas: web reads may go to a PostgreSQL replica, everything else to the primary.

Configured by `DATABASE_REPLICA_URLS` (comma-separated; empty = no replicas, and this router
then sends everything to `default`). The rules, chosen so nobody ever reads stale data they
could act on:

- Writes, migrations and `select_for_update` (a write lock) always use the primary.
- Reads use a replica only inside a web request that `ReplicaReadsMiddleware` marked as
  replica-safe: a GET/HEAD/OPTIONS whose browser has not written anything in the last
  `DATABASE_REPLICA_PIN_SECONDS` (default 10 s, longer than the replication lag we accept).
  A POST/PUT/PATCH/DELETE reads and writes the primary and pins the same client's next reads
  to the primary for that time, so a user always sees their own writes: a browser by a
  short-lived cookie, an API client (which may not keep cookies) by a cache entry keyed by a
  hash of its Authorization header. If the cache is down, API reads go to the primary.
- Inside a transaction on the primary, reads stay on the primary.
- Celery tasks, daily jobs and management commands never read a replica: they decide on what
  they read and must see the newest rows (for example the reminder ladder and the DPD job).

Replicas get `TEST: {"MIRROR": "default"}` so a test run needs no second server.
"""

from __future__ import annotations

import hashlib
import logging
import random
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
PIN_COOKIE = "crm_primary"

_replica_reads_allowed: ContextVar[bool] = ContextVar("replica_reads_allowed", default=False)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


class PrimaryReplicaRouter:
    """Database router: see the module docstring for the rules."""

    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas or not _replica_reads_allowed.get():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data (a replica is a copy of the primary).
        known = {PRIMARY, *replica_aliases()}
        if obj1._state.db in known and obj2._state.db in known:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Marks safe requests as replica-readable and pins a browser to the primary after a write.

    First in MIDDLEWARE, so the session and user lookups of a safe request are routed too.
    """

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        safe = request.method in self.SAFE_METHODS
        credentials = request.headers.get("Authorization", "")
        pin_key = (
            "crm:primary-pin:" + hashlib.sha256(credentials.encode()).hexdigest()
            if credentials
            else ""
        )
        pinned = PIN_COOKIE in request.COOKIES or (safe and pin_key and self._api_pinned(pin_key))
        token = _replica_reads_allowed.set(safe and not pinned)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads_allowed.reset(token)
        if not safe:
            if pin_key:
                self._pin_api(pin_key)
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _api_pinned(key: str) -> bool:
        try:
            return cache.get(key) is not None
        except Exception:  # noqa: BLE001 - a cache outage must not fail reads: use the primary
            logger.warning("cache unavailable: API reads go to the primary", exc_info=True)
            return True

    @staticmethod
    def _pin_api(key: str) -> None:
        try:
            cache.set(key, 1, timeout=settings.DATABASE_REPLICA_PIN_SECONDS)
        except Exception:  # noqa: BLE001 - pinning is best effort; the write itself succeeded
            logger.warning("cache unavailable: could not pin an API client to the primary")
