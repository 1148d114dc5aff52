"""Stable hashing, and the consistent-hash rings of the two balancers, as their sources build them.

- HAProxy (`hash-type consistent`, src/lb_chash.c): each server puts `weight × 16` points on a
  32-bit ring at `full_hash(id × 4096 + n)`, its id being its position in the backend (1, 2, …).
  A request key is hashed with sdbm, then `full_hash` (the avalanche modifier that consistent
  hashing applies by default), and goes to the *closest* point, before or after it.
- nginx (`hash … consistent`, ngx_http_upstream_hash_module.c): ketama, as Cache::Memcached::Fast
  builds it: `weight × 160` points per server, each the CRC32 of the server's name and the
  previous point; a key (its CRC32) goes to the first point at or after it, wrapping around.
"""

from __future__ import annotations

import bisect
import zlib
from functools import lru_cache
from hashlib import blake2b

MASK32 = 0xFFFFFFFF
HAPROXY_POINTS_PER_WEIGHT = 16  # BE_WEIGHT_SCALE: a server's nodes are its effective weight
NGINX_POINTS_PER_WEIGHT = 160
_EWGHT_RANGE = 256 * 16  # SRV_EWGHT_RANGE: spaces the node ids of consecutive servers


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike the built-in `hash`)."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


def shard_of(key: str, shards: int) -> int:
    """The shard of a cache key: by its row (`user:7:posts` lives with `user:7`)."""
    if shards == 1:
        return 0
    entity, sep, rest = key.partition(":")
    row = f"{entity}:{rest.partition(':')[0]}" if sep else key
    return stable_hash(row) % shards


# --- HAProxy ------------------------------------------------------------------------------------


def sdbm(data: bytes) -> int:
    """HAProxy's hash_sdbm (src/hash.c), HAProxy's default hash function."""
    h = 0
    for c in data:
        h = (c + (h << 6) + (h << 16) - h) & MASK32
    return h


def full_hash(a: int) -> int:
    """Bob Jenkins' full-avalanche integer hash, as HAProxy's __full_hash (intops.h)."""
    a = ((a + 0x7ED55D16) + (a << 12)) & MASK32
    a = ((a ^ 0xC761C23C) ^ (a >> 19)) & MASK32
    a = ((a + 0x165667B1) + (a << 5)) & MASK32
    a = ((a + 0xD3A2646C) ^ (a << 9)) & MASK32
    a = ((a + 0xFD7046C5) + (a << 3)) & MASK32
    a = ((a ^ 0xB55A4F09) ^ (a >> 16)) & MASK32
    return (a * 3221225473) & MASK32


def haproxy_key_hash(key: str) -> int:
    """`balance uri` (or `hdr`, `source` strings) with `hash-type consistent`: sdbm + avalanche."""
    return full_hash(sdbm(key.encode()))


def haproxy_source_hash(ip: str) -> int:
    """`balance source` on an IPv4 address, with `hash-type consistent` (get_server_sh)."""
    return full_hash(int.from_bytes(bytes(int(part) for part in ip.split(".")), "big"))


@lru_cache(maxsize=64)
def haproxy_ring(weights: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sorted node keys and the server index of each, every server counted (usable or not)."""
    nodes = sorted(
        (full_hash((server + 1) * _EWGHT_RANGE + n), server)
        for server, weight in enumerate(weights)
        for n in range(weight * HAPROXY_POINTS_PER_WEIGHT)
    )
    return tuple(k for k, _ in nodes), tuple(s for _, s in nodes)


@lru_cache(maxsize=256)
def _haproxy_live(weights: tuple[int, ...], usable: frozenset[int]) -> tuple[list[int], list[int]]:
    """The nodes of the usable servers only: HAProxy takes a server's nodes out of the tree when
    it goes down."""
    keys, owners = haproxy_ring(weights)
    live = [(k, o) for k, o in zip(keys, owners, strict=True) if o in usable]
    return [k for k, _ in live], [o for _, o in live]


def haproxy_closest(
    weights: tuple[int, ...], key_hash: int, usable: frozenset[int], avoid: int | None = None
) -> int | None:
    """chash_get_server_hash: the server of the closest node among usable servers; when that is
    the server to avoid (a redispatch), the next node's server clockwise."""
    keys, owners = _haproxy_live(weights, usable)
    if not keys:
        return None
    at = bisect.bisect_left(keys, key_hash) % len(keys)
    prev = (at - 1) % len(keys)
    dp = (key_hash - keys[prev]) & MASK32
    dn = (keys[at] - key_hash) & MASK32
    pick = prev if dp <= dn else at
    for step in range(len(keys)):
        owner = owners[(pick + step) % len(keys)]
        if owner != avoid:
            return owner
    return owners[pick]  # only the avoided server is left: HAProxy takes it


# --- nginx --------------------------------------------------------------------------------------


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & MASK32


def _ketama_points(name: str, weight: int) -> list[int]:
    host, _, port = name.rpartition(":") if _has_port(name) else (name, "", "")
    base = zlib.crc32(host.encode() + b"\0" + port.encode())
    points, prev = [], 0
    for _ in range(weight * NGINX_POINTS_PER_WEIGHT):
        prev = zlib.crc32(prev.to_bytes(4, "little"), base) & MASK32
        points.append(prev)
    return points


def _has_port(name: str) -> bool:
    host, sep, port = name.rpartition(":")
    return bool(sep and host and port.isdigit())


@lru_cache(maxsize=64)
def ketama_ring(
    names: tuple[str, ...], weights: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """ngx_http_upstream_init_chash: the sorted points (duplicates dropped) and their servers."""
    points = sorted(
        (point, server)
        for server, (name, weight) in enumerate(zip(names, weights, strict=True))
        for point in _ketama_points(name, weight)
    )
    kept: list[tuple[int, int]] = []
    for point in points:
        if not kept or kept[-1][0] != point[0]:
            kept.append(point)
    return tuple(p for p, _ in kept), tuple(s for _, s in kept)


def ketama_start(names: tuple[str, ...], weights: tuple[int, ...], key: str) -> int:
    """The index of the first point at or after the key's CRC32 (may equal the point count;
    nginx reads the ring modulo its length)."""
    points, _ = ketama_ring(names, weights)
    return bisect.bisect_left(points, crc32(key.encode()))


def ketama_server(names: tuple[str, ...], weights: tuple[int, ...], index: int) -> int:
    points, owners = ketama_ring(names, weights)
    return owners[index % len(points)]


def server_names(count: int) -> tuple[str, ...]:
    """The names the simulated nginx has in its `upstream` block: `server app-0;` and so on."""
    return tuple(f"app-{i}" for i in range(count))


def client_address(user: str) -> str:
    """A stable, private IPv4 address standing for a user's client (what an L4 balancer sees)."""
    h = stable_hash(f"client:{user}")
    return f"10.{(h >> 16) & 0xFF}.{(h >> 8) & 0xFF}.{1 + h % 254}"
