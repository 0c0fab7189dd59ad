"""Writes of the shared base: the data-access log (DOMAIN.md §8) and its retention purge."""

import ipaddress
import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLog

logger = logging.getLogger(__name__)

# At most this many customer ids are kept on one entry (a list page holds at most 200 rows).
MAX_LOGGED_CUSTOMER_IDS = 1000


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _is_trusted_proxy(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.ACCESS_LOG_TRUSTED_PROXIES))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The caller's address for the log.

    REMOTE_ADDR, unless it is one of `ACCESS_LOG_TRUSTED_PROXIES`: then X-Forwarded-For is read
    from the right (the part our own proxies appended) and the first address that is not a
    trusted proxy wins. With no trusted proxy configured (the default) the header is ignored,
    so a client cannot put any address it likes into the log.
    """
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    if remote is None or not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([part for part in forwarded if part]):
        address = _valid_ip(hop)
        if address is None:
            # A malformed hop: nothing to its left can be trusted either.
            return remote
        if not _is_trusted_proxy(address):
            return address
    return remote


def _current_request():
    from audit.middleware import current_request

    return current_request.get()


def access_log_record(
    *,
    user,
    action: str,
    category: str = "",
    customer=None,
    customer_ids: Iterable[int] = (),
    request=None,
    ip: str | None = None,
    detail: str = "",
) -> AccessLog:
    """Append one entry to the access log (views, exports, imports, unmasking, shares, logins).

    `customer` is the one customer the access was about; a list read passes the ids of every
    customer on the page as `customer_ids` instead (one entry per request, not per row).
    """
    request = request if request is not None else _current_request()
    ids = sorted({int(pk) for pk in customer_ids})
    if customer is not None and not ids:
        ids = [customer.pk]
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        category=category,
        customer=customer,
        customer_ids=ids[:MAX_LOGGED_CUSTOMER_IDS],
        ip=ip or client_ip(request),
        detail=detail[:4000],
    )


def access_log_record_share(
    *,
    user,
    customer,
    ground: str,
    recipient: str,
    scope: str,
    method: str,
    category: str = AccessLog.Category.BASIC,
    request=None,
) -> AccessLog:
    """Log a share of customer data with its legal ground, recipient, scope and method (§8).

    The sharing feature keeps its own register (consent checks, the responsible person); this
    is the access-log line compliance searches next to every other access.
    """
    return access_log_record(
        user=user,
        action=AccessLog.Action.SHARE,
        category=category,
        customer=customer,
        request=request,
        detail=f"ground: {ground}; recipient: {recipient}; scope: {scope}; method: {method}",
    )


def access_log_cutoff(*, as_of: date, retention_days: int | None = None) -> datetime:
    """The first moment still kept: local midnight `retention_days` before `as_of`."""
    days = settings.ACCESS_LOG_RETENTION_DAYS if retention_days is None else retention_days
    return timezone.make_aware(datetime.combine(as_of - timedelta(days=days), time.min))


def access_log_purge(*, as_of: date) -> tuple[int, datetime]:
    """Delete entries older than the retention period; log the purge itself. Idempotent.

    The table's trigger refuses every DELETE unless this transaction has set
    `crm.access_log_purge`, and even then keeps rows younger than 180 days, whatever the
    setting says. Returns (rows deleted, cutoff).
    """
    cutoff = access_log_cutoff(as_of=as_of)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL crm.access_log_purge = 'on'")
            cursor.execute(
                f'DELETE FROM "{AccessLog._meta.db_table}" WHERE "at" < %s',  # noqa: S608
                [cutoff],
            )
            deleted = cursor.rowcount
            cursor.execute("SET LOCAL crm.access_log_purge = 'off'")
        if deleted:
            access_log_record(
                user=None,
                action=AccessLog.Action.PURGE,
                detail=(
                    f"deleted {deleted} entries before {cutoff.isoformat()} "
                    f"(retention {settings.ACCESS_LOG_RETENTION_DAYS} days)"
                ),
            )
    logger.info("access log purge: %s entries before %s", deleted, cutoff.isoformat())
    return deleted, cutoff
