"""Django's Redis cache, keeping one client per connection pool.

Django builds a new redis.Redis object for every cache call; since redis-py 5 that copies
some two hundred response callbacks, which costs more than the GET it wraps. A client
is thread-safe (its pool hands each command a connection) and the pool notices a fork,
so one per pool is enough.

What it buys: every request reads the session and the login limiter from the cache, so
with REDIS_URL set the per-call client was a measurable part of a bare signed-in request
with redis-py 8 (bench/run.py, pages and filing, with REDIS_URL). Settings choose it as
the cache backend whenever REDIS_URL is set.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
