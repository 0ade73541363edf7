"""Compatibility for the smoke run (its own file, not generated): the images pin Django 5, Debian ships 3.2,
which lacks django.core.cache.backends.redis. This adds a small RedisCache over redis-py under that name,
only when Django lacks it, so the generated settings run unchanged."""

import importlib.abc
import importlib.util
import sys

NAME = "django.core.cache.backends.redis"


def _build(module):
    import pickle

    import redis
    from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

    class RedisCache(BaseCache):
        def __init__(self, server, params):
            super().__init__(params)
            location = server if isinstance(server, str) else server[0]
            self._client = redis.Redis.from_url(location, password=params.get("OPTIONS", {}).get("password") or None)

        def _ttl(self, timeout):
            timeout = self.get_backend_timeout(timeout)
            return None if timeout is None else max(int(timeout), 1)

        def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
            return bool(self._client.set(self.make_key(key, version), pickle.dumps(value), ex=self._ttl(timeout), nx=True))

        def get(self, key, default=None, version=None):
            raw = self._client.get(self.make_key(key, version))
            return default if raw is None else pickle.loads(raw)

        def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
            self._client.set(self.make_key(key, version), pickle.dumps(value), ex=self._ttl(timeout))

        def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
            ttl = self._ttl(timeout)
            key = self.make_key(key, version)
            return bool(self._client.persist(key) if ttl is None else self._client.expire(key, ttl))

        def delete(self, key, version=None):
            return bool(self._client.delete(self.make_key(key, version)))

        def clear(self):
            self._client.flushdb()

    module.RedisCache = RedisCache


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname != NAME:
            return None
        sys.meta_path.remove(self)
        try:
            if importlib.util.find_spec(NAME) is not None:
                return None
        finally:
            sys.meta_path.insert(0, self)
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        _build(module)


sys.meta_path.insert(0, _Finder())
