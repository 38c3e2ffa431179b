"""Django's RedisCache, degraded instead of failing when Redis is unreachable.

The cache only speeds things up (sessions are in the database: cached_db), so a Redis
outage must not turn requests into 500s. django-redis (whose IGNORE_EXCEPTIONS does this)
is not installed; this subclass of Django's own backend does the same: a read answers a
miss, a write is skipped, each logged as a warning. `add` answers True, as if stored: its
callers use it to coalesce work (capacity/services.py), and work must then go ahead, not
be dropped. `ping()` raises, for the health check.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DOWN = (RedisError, ConnectionError, TimeoutError, OSError)


def _degrade(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DOWN as exc:
            logger.warning("Cache unavailable (%s: %s); %s degraded", type(exc).__name__, exc, name)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


class ResilientRedisCache(RedisCache):
    get = _degrade("get", _default)
    get_many = _degrade("get_many", lambda *a, **k: {})
    has_key = _degrade("has_key", lambda *a, **k: False)
    set = _degrade("set", lambda *a, **k: None)
    set_many = _degrade("set_many", lambda *a, **k: [])
    add = _degrade("add", lambda *a, **k: True)
    touch = _degrade("touch", lambda *a, **k: False)
    delete = _degrade("delete", lambda *a, **k: False)
    delete_many = _degrade("delete_many", lambda *a, **k: None)
    clear = _degrade("clear", lambda *a, **k: False)

    def ping(self) -> None:
        """Raise when Redis does not answer (GET /healthz)."""
        self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
