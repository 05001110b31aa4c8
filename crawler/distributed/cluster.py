"""The shared crawl state in Redis: keys, leases, heartbeats and the reaper of dead workers.

Every multi-key change is one Lua script, so two processes never see half of it: popping a
request moves it into ``inflight`` under a lease token; a site is declared finished only when
its frontier, its leases and its member workers are all empty at the same instant.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from crawler.distributed import codec

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A request handed out this many times without being finished is given up (logged): a page
# that kills every worker that fetches it must not go round the cluster for ever.
MAX_ATTEMPTS = 3
ATTEMPTS = "gongkai_attempts"  # request.meta key counting hand-outs

POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[1])
return r[1]
"""
# A new request: its fingerprint and its place in the frontier in one step, so that no
# worker can die between the two and leave a URL marked seen that nobody will fetch.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Back to the frontier (ARGV[2] = request, ARGV[3] = score) or, with no request, given up.
REQUEUE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
return 1
"""
JOIN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
# done, unlisted_done, members, requests, inflight, items; ARGV[1]: the end marker message.
FINISH = """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
if redis.call('SCARD', KEYS[3]) > 0 or redis.call('ZCARD', KEYS[4]) > 0 then return 0 end
if redis.call('HLEN', KEYS[5]) > 0 then return 0 end
redis.call('SET', KEYS[1], '1')
redis.call('LPUSH', KEYS[6], ARGV[1])
return 1
"""
# Up to ARGV[1] messages from the items list to the writer's processing list, oldest first.
TAKE = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local m = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not m then break end
  out[#out + 1] = m
end
return out
"""
# A host lease (ARGV: token, limit, delay ms, lease ms) on Redis' clock: 0 granted, > 0 the
# milliseconds until the host's delay has passed, -1 all of its leases taken.
ACQUIRE_HOST = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ready = tonumber(redis.call('GET', KEYS[2]) or '0')
if ready > now then return ready - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
local delay = tonumber(ARGV[3])
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""
# Push the host's next start back to now + ARGV[1] ms (429/503 for the whole cluster).
SLOW_HOST = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000)
end
return 1
"""


class RedisUnreachable(Exception):
    """Redis cannot be reached (at start): one line for the CLI."""


class RedisLost(Exception):
    """Redis went away in the middle of a crawl: one line for the CLI."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc}"))


def connect(url: str) -> redis.Redis:
    """A client for ``url`` that has answered a PING; else RedisUnreachable."""
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=15,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        )  # fmt: skip
        client.ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
        raise RedisUnreachable(f"cannot reach Redis at {redacted(url)}: {reason}") from None
    return client


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def guarded(default: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For calls made inside Scrapy: a Redis error marks the cluster lost and returns
    ``default``; the worker then stops cleanly (exit 1) instead of raising in the reactor."""

    def wrap(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def inner(self: Any, *args: Any, **kwargs: Any) -> T:
            cluster = self if isinstance(self, Cluster) else self.cluster
            if cluster.lost:
                return default
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError as exc:
                cluster.lose(exc)
                return default

        return inner

    return wrap


class Cluster:
    """One process's handle on the shared state: its client, key prefix and worker id."""

    def __init__(self, client: redis.Redis, prefix: str = "gongkai", wid: str | None = None):
        self.client, self.prefix = client, prefix
        self.wid = wid or new_worker_id()
        self.lost: str | None = None
        self._scripts = {
            name: client.register_script(source)
            for name, source in [("pop", POP), ("enqueue", ENQUEUE), ("requeue", REQUEUE), ("join", JOIN),
                                 ("finish", FINISH), ("take", TAKE),
                                 ("acquire_host", ACQUIRE_HOST), ("slow_host", SLOW_HOST)]
        }  # fmt: skip
        self._serial = 0
        self._serial_lock = threading.Lock()

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def script(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return self._scripts[name](keys=keys, args=args)

    def token(self) -> str:
        """A lease token naming this worker, so the reaper knows whose lease it is."""
        with self._serial_lock:
            self._serial += 1
            return f"{self.wid}|{self._serial}"

    def lose(self, exc: BaseException) -> None:
        if not self.lost:
            self.lost = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
            logger.error("lost Redis: %s", self.lost)

    def site(self, name: str) -> Site:
        return Site(self, name)

    # Liveness -----------------------------------------------------------------------------

    def beat(self, ttl: float) -> None:
        """This worker is alive for ``ttl`` more seconds."""
        self.client.set(self.key("worker", self.wid), "1", px=int(ttl * 1000))
        self.client.sadd(self.key("workers"), self.wid)

    def leave(self) -> None:
        self.client.srem(self.key("workers"), self.wid)
        self.client.delete(self.key("worker", self.wid))

    def alive(self, wid: str) -> bool:
        return bool(self.client.exists(self.key("worker", wid)))

    def live_workers(self) -> list[str]:
        wids = [w.decode() for w in self.client.smembers(self.key("workers"))]
        return [w for w in wids if self.alive(w)]

    def writer_alive(self) -> bool:
        return bool(self.client.exists(self.key("writer")))

    def worker_timeout(self, default: float = 30.0) -> float:
        value = self.client.hget(self.key("config"), "worker_timeout")
        return float(value) if value else default

    # The reaper -----------------------------------------------------------------------------

    def reap(self) -> int:
        """Hand the leases of workers that stopped beating back to the cluster; return how many
        requests went back to a frontier. Any process may run it, as often as it likes."""
        alive: dict[str, bool] = {}

        def dead(member: bytes) -> bool:
            wid = member.decode().split("|", 1)[0]
            if wid not in alive:
                alive[wid] = self.alive(wid)
            return not alive[wid]

        requeued = 0
        for name in self.client.smembers(self.key("sites")):
            site = self.site(name.decode())
            for token, data in self.client.hgetall(site.key("inflight")).items():
                if dead(token):
                    requeued += site.requeue(token.decode(), data, reason="its worker died")
            gone = [m for m in self.client.smembers(site.key("members")) if dead(m)]
            if gone:
                self.client.srem(site.key("members"), *gone)
        for host in self.client.smembers(self.key("hosts")):
            leases = self.key("host", host.decode(), "leases")
            gone = [m for m in self.client.zrange(leases, 0, -1) if dead(m)]
            if gone:
                self.client.zrem(leases, *gone)
        stale = [w for w in self.client.smembers(self.key("workers")) if dead(w)]
        if stale:
            self.client.srem(self.key("workers"), *stale)
        return requeued


class Site:
    """One site's (profile's) part of the shared state, as workers and the writer use it."""

    def __init__(self, cluster: Cluster, name: str):
        self.cluster, self.name = cluster, name
        self.client = cluster.client

    def key(self, what: str) -> str:
        return self.cluster.key("site", self.name, what)

    # Frontier and leases -------------------------------------------------------------------

    @guarded(None)
    def pop(self, token: str) -> bytes | None:
        """The frontier's first request, leased to ``token``; None when the frontier is empty."""
        return self.cluster.script("pop", [self.key("requests"), self.key("inflight")], [token])

    @guarded(False)
    def enqueue(self, fingerprint: str, data: bytes, priority: int) -> bool:
        """Add a request unless its fingerprint was seen (none: never filtered)."""
        keys = [self.key("dupefilter"), self.key("requests")]
        return bool(self.cluster.script("enqueue", keys, [fingerprint, -priority, data]))

    @guarded(None)
    def ack(self, token: str) -> None:
        """The leased request is done: its output is in the frontier and on its way."""
        self.client.hdel(self.key("inflight"), token)

    @guarded(0)
    def release(self, token: str, reason: str) -> int:
        """Give a request this worker holds back to the frontier (it was not finished)."""
        data = self.client.hget(self.key("inflight"), token)
        return 0 if data is None else self.requeue(token, data, reason)

    def requeue(self, token: str, data: bytes, reason: str) -> int:
        request = codec.loads(data)
        meta = request.setdefault("meta", {})
        attempts = int(meta.get(ATTEMPTS, 0)) + 1
        if attempts >= MAX_ATTEMPTS:
            logger.error(
                "giving up %s after %d attempts (%s)", request.get("url"), attempts, reason
            )
            args = [token, "", 0]
        else:
            meta[ATTEMPTS] = attempts
            args = [token, codec.dumps(request), -int(request.get("priority") or 0)]
        keys = [self.key("inflight"), self.key("requests")]
        return int(self.cluster.script("requeue", keys, args))

    @guarded(0)
    def frontier_size(self) -> int:
        return self.client.zcard(self.key("requests"))

    @guarded(False)
    def idle(self) -> bool:
        """Nothing waits in the frontier and nothing is leased, cluster-wide."""
        with self.client.pipeline() as pipe:
            sizes = pipe.zcard(self.key("requests")).hlen(self.key("inflight")).execute()
        return sizes == [0, 0]

    # Membership ------------------------------------------------------------------------------

    @guarded(False)
    def join(self) -> bool:
        """This worker crawls the site now; False when the site's crawl is already finished."""
        keys = [self.key("done"), self.key("members")]
        return bool(self.cluster.script("join", keys, [self.cluster.wid]))

    @guarded(None)
    def leave(self) -> None:
        self.client.srem(self.key("members"), self.cluster.wid)

    def done(self) -> bool:
        return bool(self.client.exists(self.key("done")))

    # What this run's list pages showed (delisting) --------------------------------------------

    @guarded(None)
    def add_listed(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        if urls:
            self.client.sadd(self.key("listed"), *urls)

    def listed(self) -> set[str]:
        return {u.decode() for u in self.client.smembers(self.key("listed"))}

    @guarded(None)
    def mark_lists_incomplete(self) -> None:
        self.client.set(self.key("lists_incomplete"), "1")

    @guarded(True)
    def lists_incomplete(self) -> bool:
        return bool(self.client.exists(self.key("lists_incomplete")))

    @guarded(False)
    def claim_unlisted(self, ttl: float) -> bool:
        """Whether this worker runs the delisting pass (one worker; retried if it dies)."""
        claim = self.client.set(
            self.key("unlisted_claim"), self.cluster.wid, nx=True, px=int(ttl * 1000)
        )
        return bool(claim)

    @guarded(None)
    def unlisted_finished(self) -> None:
        self.client.set(self.key("unlisted_done"), "1")

    @guarded(False)
    def unlisted_done(self) -> bool:
        return bool(self.client.exists(self.key("unlisted_done")))

    @guarded({})
    def known(self) -> dict[str, bytes]:
        """The site's known URL state as the writer published it: url -> JSON."""
        return {u.decode(): v for u, v in self.client.hgetall(self.key("known")).items()}

    # Messages to the writer --------------------------------------------------------------------

    def ship(self, message: dict) -> None:
        """Queue a message for the writer (raises redis.RedisError: the caller decides)."""
        self.client.lpush(self.cluster.key("items"), codec.dumps({**message, "p": self.name}))

    @guarded(0)
    def outbox_size(self) -> int:
        return self.client.llen(self.cluster.key("items"))


# One Cluster per worker process, shared by the components of every crawler in it (each
# profile is a crawler) so that one lost connection stops them all. Settings are copied per
# crawler, so the object itself cannot travel in them: they carry its worker id.
_CLUSTERS: dict[str, Cluster] = {}


def register(cluster: Cluster) -> Cluster:
    _CLUSTERS[cluster.wid] = cluster
    return cluster


def cluster_of(settings: Any) -> Cluster:
    """The worker's Cluster, by ``REDIS_WORKER_ID``; connects when none was registered."""
    wid = settings.get("REDIS_WORKER_ID") or ""
    cluster = _CLUSTERS.get(wid)
    if cluster is None:
        cluster = register(
            Cluster(connect(settings.get("REDIS_URL")), settings.get("REDIS_KEY_PREFIX"), wid)
        )
    return cluster
