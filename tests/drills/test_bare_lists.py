"""Bare lists of the right terms, in every shape people type them, earn at most 20% of the
checklist and get the friendly "a list of terms is not a design" note; terse bullets that say
something about each term keep their credit (issue 10, "Claims, not words")."""

from __future__ import annotations

import pytest

from engine.content.loader import Content
from engine.drills.scoring import score

BOUND = 0.20  # issue 10's target for bare lists of terms

CDN_TERMS = (
    "CDN", "pull CDN", "push CDN", "versioned URLs", "immutable", "stale assets", "PoP",
    "round trip", "origin shield", "stale-while-revalidate", "Cache-Control private", "brotli",
    "CDN hit ratio",
)  # fmt: skip
LAG_TERMS = (
    "async replication", "read-your-writes", "pin to primary", "LSN", "GTID",
    "synchronous replication", "seconds_behind_master", "long transactions", "optimistic UI",
    "stale cache",
)  # fmt: skip


def shapes(terms: tuple[str, ...], topic: str) -> list[str]:
    """The same terms run together in each way people type a list."""
    return [
        ", ".join(terms),
        "\n".join(terms),
        "\n".join(f"- {t}" for t in terms),
        "\n".join(f"{n}. {t}" for n, t in enumerate(terms, 1)),
        " / ".join(terms),
        "/".join(terms),
        " - ".join(terms),
        " | ".join(terms),
        " → ".join(terms),
        " -> ".join(terms),
        " + ".join(terms),
        " • ".join(terms),
        "; ".join(terms),
        ". ".join(t.capitalize() for t in terms) + ".",
        " ".join("#" + t.replace(" ", "") for t in terms),
        " ".join(terms),  # no marks at all
        ", ".join(t.title() for t in terms),
        f"use {', '.join(terms)}",
        f"{topic}:\n{', '.join(terms)}",
        f"{topic}\n" + "\n".join(terms),
        f"{topic}:\n" + "\n".join(f"- {t}" for t in terms),
        "Things to mention:\n" + "\n".join(f"- {t}" for t in terms),
        f"Key points: {', '.join(terms)}.",
        f"{topic}:\n" + "\n".join(f"- {', '.join(terms[i : i + 3])}" for i in range(0, 13, 3)),
    ]


CASES = [
    *(("e07-cdn", text) for text in shapes(CDN_TERMS, "CDN")),
    *(("e09-replication-lag", text) for text in shapes(LAG_TERMS, "Replication lag")),
    ("e07-cdn", "cache, purge, ttl, origin shield, edge, pop, fingerprint, private, vary, brotli"),
    ("e07-cdn", "CDN, pull CDN and push CDN, versioned URLs and immutable, stale content and PoP "
                "and round trip, origin shield and stale-while-revalidate, private and no-store, "
                "brotli and webp and CDN hit ratio"),
    ("e07-cdn", "CDN; S3; pull vs push; max-age=31536000; immutable; fingerprint; stale; PoP; "
                "RTT; origin shield; SWR; private; no-store; vary; brotli; webp; hit ratio"),
    ("e07-cdn", "Offload:\n- CDN, S3\nPull/push:\n- pull CDN, push CDN\nVersioning:\n"
                "- versioned URLs, immutable\nLatency:\n- PoP, RTT\nDynamic:\n- origin shield, "
                "SWR\nPrivate:\n- no-store, Vary\nBytes:\n- brotli, webp, hit ratio"),
    ("e07-cdn", "CDN: yes (CloudFront)\npull vs push: pull\nversioning: fingerprinted URLs, "
                "immutable\nstaleness: until TTL\nlatency: PoPs, lower RTT\ndynamic: origin "
                "shield, stale-while-revalidate\nprivate: Cache-Control private, no-store\n"
                "bytes: brotli, webp, hit ratio"),
    ("e13-autoscaling", "stateless | HPA | target tracking | desired replicas | min/max replicas "
                        "| scheduled scaling | warm pool | cooldown | pgbouncer | budget alarm"),
    ("e13-autoscaling", "- stateless\n- target tracking\n- desired replicas\n- min / max\n"
                        "- scheduled scaling\n- cooldown\n- pgbouncer\n- budget"),
    ("e06-rate-limiting", "token bucket / sliding window / redis / per API key / 429 / "
                          "Retry-After / fail open / load shedding / lua script / metrics"),
    ("e06-rate-limiting", "Token bucket. Sliding window. Redis. API key. 429. Retry-After. "
                          "Fail open. Load shedding. Lua. Metrics."),
    ("e02-cache-stampede", "thundering herd | single flight | lease | xfetch | ttl jitter | "
                           "stale-while-revalidate | warm cache | miss rate"),
    ("e02-cache-stampede", "Stampede\nthundering herd\nrequest coalescing\nleases\nxfetch\n"
                           "ttl jitter\nserve stale\ncache warming\nmiss rate alerts"),
    ("e11-multi-region", "active-active → active-passive → RTT 80ms → home region → geo DNS → "
                         "RPO/RTO → N+1 capacity → CAP → replicate queues"),
    ("b-read-ladder", "#indexes #redis #cache #ttl #stampede #replicas #lag #cdn #sharding"),
]  # fmt: skip


@pytest.mark.parametrize(("drill", "text"), CASES)
def test_a_bare_list_of_terms_in_any_shape_earns_little(
    content: Content, drill: str, text: str
) -> None:
    verdict = score(content.drills[drill], {}, text)
    assert verdict.share <= BOUND, [v.item.id for v in verdict.items if v.covered]
    assert verdict.bare_list  # the reveal says "a list of terms is not a design"


TERSE = [
    (
        "e07-cdn",
        "- static -> S3 + CloudFront, app servers only do dynamic\n"
        "- pull cdn: fetch from origin on first miss, fine for our traffic\n"
        "- ttl: 5 min for html, versioned urls for assets (app.3f2a.js, max-age 1y, immutable)\n"
        "- without a new name edges serve the old file until ttl expires; purge only for oopses\n"
        "- edge ~20 ms vs ~150 ms cross-continent rtt\n"
        "- origin shield so misses from all pops collapse into one fetch\n"
        "- logged-in pages: Cache-Control private / no-store\n"
        "- brotli + webp, watch the cdn hit ratio",
    ),
    (
        "e09-replication-lag",
        "- cause: async replication, replica applies the write ~1s later\n"
        "- after a write, pin that user's reads to the primary for ~5s\n"
        "- better: keep the commit LSN in the session, read from a replica only once it has "
        "replayed past it\n"
        "- sync/remote_apply only for the few writes that must be visible everywhere\n"
        "- alert on replay_lag from pg_stat_replication\n"
        "- lag can hit minutes under a long transaction or a big migration\n"
        "- UI: show the new comment right away from the POST response\n"
        "- don't refill the cache from a replica right after invalidating it",
    ),
]


@pytest.mark.parametrize(("drill", "text"), TERSE)
def test_terse_bullets_that_say_something_keep_their_credit(
    content: Content, drill: str, text: str
) -> None:
    verdict = score(content.drills[drill], {}, text)
    assert verdict.covered == verdict.total, [v.item.id for v in verdict.items if not v.covered]
    assert not verdict.bare_list
