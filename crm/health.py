"""Component checks behind `/healthz`: each returns a short status string, never raises."""

import logging

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str:
    """'ok' when PostgreSQL answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down" to a health check
        logger.warning("healthz: database check failed: %s", exc)
        return "down"
    return "ok"


def check_redis() -> str:
    """'ok' when Redis answers PING within a second."""
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:
        logger.warning("healthz: redis check failed: %s", exc)
        return "down"
    return "ok"


def check_celery() -> str:
    """'ok' when at least one worker answers a broadcast ping, 'no workers' otherwise."""
    from crm.celery import app

    try:
        replies = app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT)
    except Exception as exc:
        logger.warning("healthz: celery ping failed: %s", exc)
        return "no workers"
    return "ok" if replies else "no workers"


def health_report() -> tuple[dict[str, str], bool]:
    """The component statuses of API.md and whether the service is usable (database up)."""
    report = {"database": check_database(), "redis": check_redis()}
    # Without Redis there is no broker to ping through; don't wait for a timeout.
    report["celery"] = check_celery() if report["redis"] == "ok" else "no workers"
    return report, report["database"] == "ok"
