"""Small configuration tables (policies, intervals) read from the cache, not on every page.

The worklist, the customer page and the daily jobs read the same few rows of admin-edited
policy tables (contact and visit intervals, the segmentation thresholds) on every request. A
function decorated with `config_cache(key, *models)` keeps its result in the shared cache
(Redis) for `timeout` seconds; saving or deleting a row of any of `models` drops the key at
once and again after the transaction commits, so every process sees an admin's change on its
next read. The timeout is a backstop for writes that send no signal (`QuerySet.update`,
`bulk_create`, SQL). A cache that is down is skipped: the function reads the database.
"""

import functools
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

PREFIX = "config:"


def config_cache(key: str, *models, timeout: int = 60):
    """Cache the decorated loader's result under `key` until a row of `models` changes."""
    full_key = PREFIX + key

    def invalidate(**kwargs):
        _delete(full_key)
        transaction.on_commit(lambda: _delete(full_key))

    for model in models:
        uid = f"config-cache:{key}:{model._meta.label}"
        post_save.connect(invalidate, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(invalidate, sender=model, weak=False, dispatch_uid=uid + ":delete")

    def decorator(load):
        @functools.wraps(load)
        def wrapper():
            try:
                value = cache.get(full_key)
            except Exception as exc:  # Redis down: read the table
                logger.warning("config cache unavailable for %s: %s", key, exc)
                return load()
            if value is None:
                value = load()
                try:
                    cache.set(full_key, value, timeout)
                except Exception as exc:
                    logger.warning("config cache unavailable for %s: %s", key, exc)
            return value

        wrapper.invalidate = lambda: _delete(full_key)
        return wrapper

    return decorator


def _delete(full_key: str) -> None:
    try:
        cache.delete(full_key)
    except Exception as exc:
        logger.warning("config cache unavailable, %s not dropped: %s", full_key, exc)
