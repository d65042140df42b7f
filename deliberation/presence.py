"""Who is in a room now: ephemeral state that expires, kept out of the event log.

Each open connection is an entry `<user id>:<connection>` in a sorted set per session whose
score is when it expires. The server process holding the connection renews it (a heartbeat)
every `ROOM_PRESENCE_TTL_SECONDS / 4`; a connection that closes is removed at once, and one whose
process died (`kill -9`, a lost host) expires after at most `ROOM_PRESENCE_TTL_SECONDS`.

Every server process with connections to a session sweeps it once a second (`sweep`): expired
entries go, and if the set of people present differs from the last one announced, the one
process that stores the new snapshot (atomically, in Redis) broadcasts what changed
(`presence.joined` / `presence.left`, not logged, no `seq`). A throttle key makes that at most
once a second per session, however many processes and joins (docs/protocol.md).

With the channel layer in Redis the state lives there, so every process sees every connection;
without Redis (`make run`, one process, the in-memory channel layer) it lives in this process's
memory, with the same rules. Redis being away never fails a join: presence goes stale and is
logged, the room goes on.
"""

import asyncio
import logging
import threading
import time
import weakref
from dataclasses import dataclass

import redis
from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 20
# Sweeps (and so broadcasts of changes) happen at most this often per session.
SWEEP_SECONDS = 1.0
# A stored snapshot outlives an idle room by this long, then Redis forgets it.
SNAPSHOT_TTL_SECONDS = 24 * 3600


def ttl_seconds() -> float:
    return float(getattr(settings, "ROOM_PRESENCE_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def heartbeat_seconds() -> float:
    return ttl_seconds() / 4


@dataclass(frozen=True)
class Change:
    """What changed since the last snapshot announced: user ids that joined and that left, and
    the snapshot before (to put back when the broadcast fails, so the next sweep retries)."""

    joined: list[dict]
    left: list[dict]
    previous: str


def member(user_id: int, connection: str) -> str:
    return f"{user_id}:{connection}"


def _ids(snapshot: str) -> list[int]:
    return [int(part) for part in snapshot.split(",") if part]


# KEYS: the set, the snapshot, the throttle. ARGV: now, throttle in ms, snapshot ttl in s.
_SWEEP = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local seen, users = {}, {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local uid = string.match(m, '^(%d+):')
  if uid and not seen[uid] then seen[uid] = true; users[#users + 1] = tonumber(uid) end
end
table.sort(users)
local now = table.concat(users, ',')
local old = redis.call('GET', KEYS[2]) or ''
if old == now then return false end
redis.call('SET', KEYS[2], now, 'EX', ARGV[3])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return {old, now}
"""


class RedisPresence:
    """Presence in the channel layer's Redis, shared by every server process."""

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True
        )
        self.prefix = f"{prefix}:presence"
        self._sweep = self.client.register_script(_SWEEP)

    def _keys(self, session_id: int) -> tuple[str, str, str, str]:
        base = f"{self.prefix}:{session_id}"
        return f"{base}:on", f"{base}:snapshot", f"{base}:throttle", f"{base}:names"

    def touch(self, session_id: int, entries: dict[str, tuple[int, str]]) -> None:
        """Add or renew connections: {member: (user id, name)}."""
        if not entries:
            return
        on, _snapshot, _throttle, names = self._keys(session_id)
        expires = time.time() + ttl_seconds()
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd(on, dict.fromkeys(entries, expires))
        pipe.hset(names, mapping={str(uid): name for uid, name in entries.values()})
        pipe.expire(on, SNAPSHOT_TTL_SECONDS)
        pipe.expire(names, SNAPSHOT_TTL_SECONDS)
        pipe.execute()

    def remove(self, session_id: int, members: list[str]) -> None:
        if members:
            self.client.zrem(self._keys(session_id)[0], *members)

    def present(self, session_id: int) -> list[dict]:
        """The people with at least one live connection, as {"id", "name"}, by id."""
        on, _snapshot, _throttle, names = self._keys(session_id)
        ids = sorted(
            {int(m.split(":", 1)[0]) for m in self.client.zrangebyscore(on, time.time(), "+inf")}
        )
        return self._people(names, ids)

    def _people(self, names_key: str, ids: list[int]) -> list[dict]:
        if not ids:
            return []
        names = self.client.hmget(names_key, [str(uid) for uid in ids])
        return [{"id": uid, "name": name or ""} for uid, name in zip(ids, names, strict=True)]

    def sweep(self, session_id: int) -> Change | None:
        on, snapshot, throttle, names = self._keys(session_id)
        found = self._sweep(
            keys=[on, snapshot, throttle],
            args=[time.time(), int(SWEEP_SECONDS * 1000), SNAPSHOT_TTL_SECONDS],
        )
        if not found:
            return None
        before, after = (set(_ids(part)) for part in found)
        return Change(
            joined=self._people(names, sorted(after - before)),
            left=self._people(names, sorted(before - after)),
            previous=found[0],
        )

    def revert(self, session_id: int, change: Change) -> None:
        """The broadcast failed: forget it was announced, so the next sweep tries again."""
        _on, snapshot, throttle, _names = self._keys(session_id)
        pipe = self.client.pipeline(transaction=False)
        pipe.set(snapshot, change.previous, ex=SNAPSHOT_TTL_SECONDS)
        pipe.delete(throttle)
        pipe.execute()


class MemoryPresence:
    """The same rules in this process's memory, for the in-memory channel layer (one process)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.on: dict[int, dict[str, float]] = {}
        self.names: dict[int, dict[int, str]] = {}
        self.snapshots: dict[int, str] = {}
        self.throttled_until: dict[int, float] = {}

    def touch(self, session_id, entries):
        expires = time.time() + ttl_seconds()
        with self.lock:
            on = self.on.setdefault(session_id, {})
            names = self.names.setdefault(session_id, {})
            for key, (uid, name) in entries.items():
                on[key] = expires
                names[uid] = name

    def remove(self, session_id, members):
        with self.lock:
            on = self.on.get(session_id, {})
            for key in members:
                on.pop(key, None)

    def _live_ids(self, session_id) -> list[int]:
        now = time.time()
        on = self.on.get(session_id, {})
        for key in [key for key, expires in on.items() if expires <= now]:
            del on[key]
        return sorted({int(key.split(":", 1)[0]) for key in on})

    def _people(self, session_id, ids):
        names = self.names.get(session_id, {})
        return [{"id": uid, "name": names.get(uid, "")} for uid in ids]

    def present(self, session_id):
        with self.lock:
            return self._people(session_id, self._live_ids(session_id))

    def sweep(self, session_id):
        with self.lock:
            ids = self._live_ids(session_id)
            if time.monotonic() < self.throttled_until.get(session_id, 0):
                return None
            now = ",".join(str(uid) for uid in ids)
            old = self.snapshots.get(session_id, "")
            if old == now:
                if not self.on.get(session_id):
                    # An empty room: forget it.
                    self.on.pop(session_id, None)
                    self.snapshots.pop(session_id, None)
                    self.throttled_until.pop(session_id, None)
                return None
            self.snapshots[session_id] = now
            self.throttled_until[session_id] = time.monotonic() + SWEEP_SECONDS
            before, after = set(_ids(old)), set(ids)
            return Change(
                joined=self._people(session_id, sorted(after - before)),
                left=self._people(session_id, sorted(before - after)),
                previous=old,
            )

    def revert(self, session_id, change):
        with self.lock:
            self.snapshots[session_id] = change.previous
            self.throttled_until.pop(session_id, None)


_memory = MemoryPresence()
_redis: dict[tuple[str, str], RedisPresence] = {}


def store() -> RedisPresence | MemoryPresence:
    """Where presence lives: the channel layer's Redis when it has one, else this process."""
    layer = settings.CHANNEL_LAYERS.get("default", {})
    if "redis" not in layer.get("BACKEND", "").lower():
        return _memory
    config = layer.get("CONFIG", {})
    host = config.get("hosts", ["redis://127.0.0.1:6379"])[0]
    url = host if isinstance(host, str) else host.get("address", "redis://127.0.0.1:6379")
    prefix = config.get("prefix", "asgi")
    key = (url, prefix)
    if key not in _redis:
        _redis[key] = RedisPresence(url, prefix)
    return _redis[key]


_last_warning = 0.0


def unavailable(error: Exception) -> None:
    """Presence could not be read or written (Redis away): say so at most once a minute."""
    global _last_warning  # noqa: PLW0603
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("Room presence is unavailable (%s); it is stale until Redis is back", error)


def present(session_id: int) -> list[dict]:
    """Who is in the room now; empty (and logged) when presence cannot be read."""
    try:
        return store().present(session_id)
    except redis.RedisError as error:
        unavailable(error)
        return []


def touch(session_id: int, entries: dict[str, tuple[int, str]]) -> None:
    """Add or renew connections; a Redis outage is logged, never raised."""
    _safely(store().touch, session_id, entries)


def _safely(call, *args):
    try:
        return call(*args)
    except redis.RedisError as error:
        unavailable(error)
        return None


class PresenceHub:
    """This process's connections to rooms, by session, and one task per session with any:
    it renews their entries (the heartbeat) and sweeps the room once a second, broadcasting
    what changed to the room's group. The task ends once the process has no connection left
    to the session and its last change is announced."""

    def __init__(self):
        self.local: dict[int, dict[str, tuple[int, str]]] = {}
        self.tasks: dict[int, asyncio.Task] = {}

    def add(self, session_id: int, key: str, user_id: int, name: str) -> None:
        """A connection this process holds (already `touch`ed in the store when it joined)."""
        self.local.setdefault(session_id, {})[key] = (user_id, name)
        task = self.tasks.get(session_id)
        if task is None or task.done():
            self.tasks[session_id] = asyncio.get_running_loop().create_task(self._run(session_id))

    async def remove(self, session_id: int, key: str) -> None:
        self.local.get(session_id, {}).pop(key, None)
        await asyncio.to_thread(_safely, store().remove, session_id, [key])

    async def _run(self, session_id: int) -> None:
        next_beat = time.monotonic() + heartbeat_seconds()
        idle = 0
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            local = dict(self.local.get(session_id, {}))
            if local and time.monotonic() >= next_beat:
                next_beat = time.monotonic() + heartbeat_seconds()
                await asyncio.to_thread(_safely, store().touch, session_id, local)
            change = await asyncio.to_thread(_safely, store().sweep, session_id)
            if change is not None:
                await self._announce(session_id, change)
            # No await between this check and leaving: `add` cannot slip in unseen.
            if self.local.get(session_id):
                idle = 0
                continue
            idle += 1
            if idle >= 2:
                self.local.pop(session_id, None)
                self.tasks.pop(session_id, None)
                return

    async def _announce(self, session_id: int, change: Change) -> None:
        layer = get_channel_layer()
        try:
            await layer.group_send(
                f"session.{session_id}",
                {"type": "room.presence", "joined": change.joined, "left": change.left},
            )
        except Exception as error:  # noqa: BLE001 - the layer (Redis) is away: retry next sweep
            logger.warning("Presence broadcast for session %s failed: %s", session_id, error)
            await asyncio.to_thread(_safely, store().revert, session_id, change)


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PresenceHub]" = (
    weakref.WeakKeyDictionary()
)


def hub() -> PresenceHub:
    """This event loop's hub (one per server process; one per test in the test suite)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = PresenceHub()
    return _hubs[loop]
