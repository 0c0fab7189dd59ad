"""Small configuration tables (policies, intervals) read from the cache, not on every page.

The worklist, the customer page and the daily jobs read the same few rows of admin-edited
policy tables (contact and visit intervals, the segmentation thresholds) on every request. A
function decorated with `config_cache(key, *models)` keeps its result in the shared cache
(Redis) for `timeout` seconds; saving or deleting a row of any of `models` drops the key at
once and again after the transaction commits, so every process sees an admin's change on its
next read. The timeout is a backstop for writes that send no signal (`QuerySet.update`,
`bulk_create`, SQL). The default cache fails soft (notifications/cache.py): with Redis down
every read misses and the function reads the database.
"""

import functools

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

PREFIX = "config:"


def config_cache(key: str, *models, timeout: int = 60):
    """Cache the decorated loader's result under `key` until a row of `models` changes."""
    full_key = PREFIX + key

    def invalidate(**kwargs):
        cache.delete(full_key)
        transaction.on_commit(lambda: cache.delete(full_key))

    for model in models:
        uid = f"config-cache:{key}:{model._meta.label}"
        post_save.connect(invalidate, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(invalidate, sender=model, weak=False, dispatch_uid=uid + ":delete")

    def decorator(load):
        @functools.wraps(load)
        def wrapper():
            value = cache.get(full_key)
            if value is None:
                value = load()
                cache.set(full_key, value, timeout)
            return value

        wrapper.invalidate = lambda: cache.delete(full_key)
        return wrapper

    return decorator
