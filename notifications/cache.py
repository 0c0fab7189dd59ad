"""A Redis cache that fails soft: with Redis down, reads miss and writes are dropped.

Django's RedisCache raises when Redis is unreachable, which turns every page that touches the
cache (and every throttled API call) into a 500. The cache only ever holds what can be
recomputed, so losing it must cost speed, never availability.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_soft(default):
    """Wrap a cache method so a Redis outage returns `default` (or the caller's default)."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _DOWN as exc:
                logger.warning("cache unavailable, %s skipped: %s", method.__name__, exc)
                if method.__name__ == "get":
                    return kwargs.get("default", args[1] if len(args) > 1 else None)
                return default() if callable(default) else default

        return wrapper

    return decorator


class FailSoftRedisCache(RedisCache):
    """RedisCache whose every operation survives Redis being down."""

    get = _fail_soft(None)(RedisCache.get)
    set = _fail_soft(None)(RedisCache.set)
    add = _fail_soft(False)(RedisCache.add)
    touch = _fail_soft(False)(RedisCache.touch)
    delete = _fail_soft(False)(RedisCache.delete)
    has_key = _fail_soft(False)(RedisCache.has_key)
    get_many = _fail_soft(dict)(RedisCache.get_many)
    set_many = _fail_soft(list)(RedisCache.set_many)
    delete_many = _fail_soft(None)(RedisCache.delete_many)
    clear = _fail_soft(False)(RedisCache.clear)
