"""A small thread-safe cache whose entries expire after a few seconds.

For records a request reads again and again and that change rarely, such
as the flavor and image of a server create: a process forgets what it
changed itself at once (``forget``) and what another process changed
after ``ttl`` seconds at most.
"""
import functools
import threading
import time


class TTLCache:
    def __init__(self, max_entries=512):
        self._max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()
        # Bumped by forget(): a load that began before it is not stored.
        self._generation = 0

    def get(self, key, ttl, load, keep=None):
        """The cached value of key, or load(): stored for ttl seconds
        unless keep(value) is false; ttl <= 0 disables the cache."""
        if ttl <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        generation = self._generation
        value = load()
        if keep is not None and not keep(value):
            return value
        with self._lock:
            if generation == self._generation:
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
                self._entries[key] = (now + ttl, value)
        return value

    def forget(self, predicate=None):
        """Drop every entry, or those whose key predicate(key) is true."""
        with self._lock:
            self._generation += 1
            if predicate is None:
                self._entries.clear()
            else:
                for key in [k for k in self._entries if predicate(k)]:
                    del self._entries[key]


def forgets(cache, which=None):
    """Decorator for a write: cache forgets what it wrote once it is done
    (after, so nobody caches what it is replacing meanwhile).

    which(*args, **kwargs), given the write's arguments, returns the
    predicate of the keys to forget; without it everything goes.
    """
    def decorator(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            finally:
                cache.forget(which(*args, **kwargs) if which else None)
        return wrapper
    return decorator
