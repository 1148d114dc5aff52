"""Credit for what a sketch claims: the examples of issue 10, each with the verdict it expects,
and the polarity rules they rest on."""

from __future__ import annotations

import pytest

from engine.content.loader import Content
from engine.drills import texts
from engine.drills.scoring import Status, Verdict, score

READ = "b-read-ladder"
WRITE = "d-write-scaling"
P50K = {"qps": 50_000.0, "ratio": 100.0}
P30K = {"qps": 30_000.0, "ratio": 100.0}


def verdict(
    content: Content, drill: str, text: str, params: dict[str, float] | None = None
) -> Verdict:
    return score(content.drills[drill], params if params is not None else P50K, text)


def status(v: Verdict, item_id: str) -> Status:
    return next(i.status for i in v.items if i.item.id == item_id)


def traps(v: Verdict) -> set[str]:
    return {t.id for t in v.traps}


def test_a_bare_list_of_terms_earns_nothing_and_says_so(content: Content) -> None:
    v = verdict(
        content, READ, "peak index cache redis hit ratio ttl stampede replica lag cdn shard"
    )
    assert v.covered == 0
    assert v.bare_list
    v = verdict(
        content, READ, "read/write split, peak, indexes, redis, ttl, stampede, replicas, cdn"
    )
    assert v.covered == 0
    assert v.bare_list


def test_a_bullet_list_that_says_something_is_scored_like_prose(content: Content) -> None:
    v = verdict(
        content,
        READ,
        "- cache: redis in front of the db, so most reads never reach it\n"
        "- read replicas behind an internal lb take the misses\n"
        "- cdn for public pages so they never reach the app servers",
    )
    assert {i.item.id for i in v.items if i.covered} >= {
        "b3-cache-in-front",
        "b7-read-replicas",
        "b9-edge-caching",
    }
    assert not v.bare_list


def test_naming_the_ideas_to_reject_them_contradicts_them(content: Content) -> None:
    v = verdict(
        content,
        READ,
        "We don't need a cache, and we will not use replicas. No CDN. Never shard. "
        "Don't tune indexes. TTL is pointless, lag is irrelevant.",
    )
    assert v.covered <= 1  # "never shard" agrees with "sharding comes last"
    for item in ("b2-tune-the-db", "b3-cache-in-front", "b7-read-replicas", "b9-edge-caching"):
        assert status(v, item) is Status.CONTRADICTED, item
    assert status(v, "b8-replication-lag") is Status.CONTRADICTED
    assert v.missed[0].id in {i.item.id for i in v.items if i.contradicted}  # study list first


def test_words_people_really_write(content: Content) -> None:
    lag = verdict(
        content,
        READ,
        "Replicas are a bit behind, so after a user writes, route their reads to the primary "
        "for a couple of seconds.",
    )
    assert status(lag, "b8-replication-lag") is Status.COVERED
    copies = verdict(
        content, READ, "Misses go to copies of the main database that stream its changes."
    )
    assert status(copies, "b7-read-replicas") is Status.COVERED
    split = verdict(
        content,
        WRITE,
        "Splitting the rows across several primaries so each takes a share of the writes.",
    )
    assert status(split, "d5-shard") is Status.COVERED
    cashe = verdict(content, READ, "Put a cashe in front of the database so most reads stop there.")
    assert status(cashe, "b3-cache-in-front") is Status.COVERED
    typo = verdict(content, READ, "Replicaton lag means a user may not see their own write.")
    assert status(typo, "b8-replication-lag") is Status.COVERED


def test_the_math_needs_this_attempts_numbers(content: Content) -> None:
    peak = verdict(content, READ, "I would size for the peak, not the average.", P30K)
    assert status(peak, "b1-do-the-math") is not Status.COVERED
    other = verdict(content, READ, "At 50k QPS that is about 49.5k reads/s and 495 writes/s.", P30K)
    assert status(other, "b1-do-the-math") is not Status.COVERED
    right = verdict(content, READ, "At 30k QPS that is about 29.7k reads/s and 297 writes/s.", P30K)
    assert status(right, "b1-do-the-math") is Status.COVERED
    formula = verdict(
        content, READ, "Reads are 30,000 × 100/101 a second, and writes the rest.", P30K
    )
    assert status(formula, "b1-do-the-math") is Status.COVERED


def test_an_attempt_without_drawn_numbers_is_judged_on_the_examples(content: Content) -> None:
    drill = content.drills[READ]
    examples = drill.example_params
    peak = verdict(content, READ, "I would size for the peak and do the math first.", {})
    assert status(peak, "b1-do-the-math") is not Status.COVERED
    reads = texts.expected(drill, drill.checklist[0], {})[0][1]
    assert reads == texts.expected(drill, drill.checklist[0], examples)[0][1]
    qps = examples["qps"]
    sums = f"At {qps:,.0f} QPS that is about {reads} reads/s, so I would size for that."
    assert status(verdict(content, READ, sums, {}), "b1-do-the-math") is Status.COVERED


def test_the_model_answer_uses_the_attempts_numbers(content: Content) -> None:
    answer = texts.model_answer(content.drills[READ], P30K)
    assert "30k QPS" in answer
    assert "29.7k reads/s" in answer
    assert "50k" not in answer
    assert "{" not in content.drills[READ].model_answer  # the example numbers, filled in


def test_a_trap_and_the_item_it_opposes_never_both_fire_on_one_clause(content: Content) -> None:
    v = verdict(content, READ, "I would shard the database first.")
    assert "b-trap-shard-first" in traps(v)
    assert status(v, "b10-shard-later") is Status.CONTRADICTED
    writes = verdict(
        content, WRITE, "Add read replicas so each replica takes a share of the writes."
    )
    assert status(writes, "d2-replicas-dont-help") is Status.CONTRADICTED
    switch = verdict(content, WRITE, "Switch to multi-master so both nodes take writes.")
    assert "d-trap-multi-master" in traps(switch)
    assert status(switch, "d11-off-the-shelf") is Status.CONTRADICTED
    # Turning multi-master down is right, but it names no distributed database: the move and
    # its refusal do not land on the same item.
    for refusal in (
        "I would not use multi-master.",
        "I would not use multi-master: every node still applies every write.",
    ):
        refuse = verdict(content, WRITE, refusal)
        assert status(refuse, "d11-off-the-shelf") is Status.MISSED, refusal
        assert "d-trap-multi-master" not in traps(refuse)


def test_the_words_of_a_wrong_idea_stand_for_no_other_item(content: Content) -> None:
    """ "each replica takes a share of the writes" states the wrong idea about replicas; its
    words "share of the writes" are the shard item's too, but they do not claim sharding."""
    for text in (
        "Add read replicas so each replica takes a share of the writes.",
        "Add read replicas so each replica takes a share of the writes",
    ):
        v = verdict(content, WRITE, text)
        assert status(v, "d2-replicas-dont-help") is Status.CONTRADICTED
        assert status(v, "d5-shard") is Status.MISSED
    shard = verdict(content, WRITE, "Shard by user_id so each primary takes a share of the writes.")
    assert status(shard, "d5-shard") is Status.COVERED


def test_a_trap_with_exceptions_decides_its_item_there(content: Content) -> None:
    """ "no data is lost" is wrong after an async failover and right beside synchronous
    replication: the trap's exceptions hold for the RPO item too."""
    right = verdict(
        content, "e08-db-failover", "With synchronous replication to a quorum, no data is lost.", {}
    )
    assert status(right, "e08-rpo") is Status.COVERED
    assert not traps(right)
    wrong = verdict(content, "e08-db-failover", "Failover is automatic and no data is lost.", {})
    assert status(wrong, "e08-rpo") is Status.CONTRADICTED
    assert "e08-trap-no-loss" in traps(wrong)


@pytest.mark.parametrize(
    ("drill", "text", "trap"),
    [
        (
            "e08-db-failover",
            "With synchronous replication to a quorum, no data is lost.",
            "e08-trap-no-loss",
        ),
        ("e05-sessions", "balance source is bad because of NAT", "e05-trap-ip-hash"),
        ("a-cpu-at-80", "Sticky sessions solve nothing here.", "a-trap-sticky-sessions"),
    ],
)
def test_traps_do_not_fire_on_correct_statements(
    content: Content, drill: str, text: str, trap: str
) -> None:
    assert trap not in traps(verdict(content, drill, text, {}))


@pytest.mark.parametrize(
    ("drill", "text", "trap"),
    [
        ("e08-db-failover", "Failover is automatic and no data is lost.", "e08-trap-no-loss"),
        ("e05-sessions", "Switch the LB to balance source so users stick.", "e05-trap-ip-hash"),
        (
            "a-cpu-at-80",
            "Turn on sticky sessions so users keep their session.",
            "a-trap-sticky-sessions",
        ),
    ],
)
def test_the_same_traps_fire_on_the_wrong_move(
    content: Content, drill: str, text: str, trap: str
) -> None:
    assert trap in traps(verdict(content, drill, text, {}))


def test_every_trap_has_a_sign_that_fires(content: Content) -> None:
    for drill in content.drills.values():
        for trap in drill.traps:
            sign = next(s for s in trap.signs if any(not p.startswith("!") for p in s))
            text = "We will " + " and ".join(
                p.replace(" ... ", " ") for p in sign if not p.startswith("!")
            )
            assert trap.id in traps(score(drill, drill.example_params, text)), (trap.id, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Should we shard?", Status.MISSED),
        ("Maybe add a cache later if needed.", Status.MISSED),
        ("Instead of replicas, add a cache in front of the db.", Status.COVERED),
        ("Not replicas but a cache in front of the db.", Status.COVERED),
        ("If we add a cache, the database sees only the misses.", Status.MISSED),
        ("A cache in front of the db answers most reads.", Status.COVERED),
        ("A cache is overkill here.", Status.CONTRADICTED),
        ("Skip the cache and go straight to replicas.", Status.CONTRADICTED),
        ("No need for a cache.", Status.CONTRADICTED),
        ("We add Redis, which answers most reads from memory.", Status.COVERED),
        # The plain ways of saying no to a move.
        ("A cache in front of the db is a bad fit here.", Status.CONTRADICTED),
        ("A cache in front of the db, no.", Status.CONTRADICTED),
        ("Some teams put a cache in front of the db; we shouldn't.", Status.CONTRADICTED),
        ("A cache in front of the db sounds good, but is not needed.", Status.CONTRADICTED),
        ("I'd stay away from a cache in front of the db.", Status.CONTRADICTED),
        ("Leave out the cache in front of the db.", Status.CONTRADICTED),
        ("A cache in front of the db isn't required.", Status.CONTRADICTED),
        ("A cache in front of the db, no TTL games, answers most reads.", Status.COVERED),
    ],
)
def test_polarity_of_a_cache(content: Content, text: str, expected: Status) -> None:
    assert status(verdict(content, READ, text), "b3-cache-in-front") is expected


def test_replicas_in_those_sentences(content: Content) -> None:
    assert status(
        verdict(content, READ, "Instead of replicas, add a cache."), "b7-read-replicas"
    ) is (Status.CONTRADICTED)
    asked = next(
        i
        for i in verdict(content, READ, "Should we add replicas?").items
        if i.item.id == "b7-read-replicas"
    )
    assert asked.asked
    assert not asked.covered


def test_a_concern_named_to_prevent_it_counts_and_dismissed_contradicts(content: Content) -> None:
    avoid = verdict(content, READ, "Jittered TTLs avoid a stampede when hot keys expire together.")
    assert status(avoid, "b6-stampede-hot-keys") is Status.COVERED
    dismiss = verdict(content, READ, "Replication lag is irrelevant at this scale.")
    assert status(dismiss, "b8-replication-lag") is Status.CONTRADICTED


def test_contradicted_items_count_zero_and_the_evidence_is_the_learners_clause(
    content: Content,
) -> None:
    v = verdict(
        content, READ, "We don't need a cache. Read replicas behind an internal LB take the misses."
    )
    assert v.covered == sum(i.status is Status.COVERED for i in v.items)
    replicas = next(i for i in v.items if i.item.id == "b7-read-replicas")
    assert replicas.evidence == "Read replicas behind an internal LB take the misses"
    assert replicas.matched
    cache = next(i for i in v.items if i.item.id == "b3-cache-in-front")
    assert cache.evidence == "We don't need a cache"
    assert not cache.covered
    assert cache.item in v.missed


def test_an_item_affirmed_and_rejected_as_often_follows_the_sketch(content: Content) -> None:
    tie = (
        "Put a cache in front of the db so it answers most reads. "
        "A cache is overkill for the writes, though."
    )
    design = (
        " Add read replicas behind an internal load balancer for the misses. Public pages go"
        " to a CDN with Cache-Control headers. Add the missing indexes and fix slow queries."
    )
    refusal = " We don't need read replicas. No CDN. Don't tune indexes."
    assert status(verdict(content, READ, tie + design), "b3-cache-in-front") is Status.COVERED
    refused = verdict(content, READ, tie + refusal)
    assert status(refused, "b3-cache-in-front") is Status.CONTRADICTED
    assert refused.covered == 0


def test_the_same_sketch_always_gets_the_same_verdict(content: Content) -> None:
    drill = content.drills[READ]
    text = drill.model_answer + " We don't need a CDN. Should we shard? cashe"
    first = score(drill, P50K, text)
    for _ in range(3):
        assert score(drill, P50K, text) == first


def test_a_long_run_of_short_items_is_a_list_whatever_its_header(content: Content) -> None:
    """Many short comma-separated items name terms: a topic header ("autoscaling:") or a few
    two-word items ("sessions in Redis") do not make them a design; a lead-in that says what
    the items are for does."""
    listed = verdict(
        content,
        "e13-autoscaling",
        "autoscaling: horizontal scaling, stateless, sessions in Redis, HPA, target tracking, "
        "cooldown, stabilization window, warm pools, min/max, connection pooling, cost caps",
        {},
    )
    assert listed.covered == 0
    under_header = verdict(
        content,
        "e06-rate-limiting",
        "Rate limiting keywords:\n- token bucket, leaky bucket, fixed window, sliding window, "
        "sliding log, GCRA\n- Redis, Lua script, INCR, EXPIRE, atomic, race condition",
        {},
    )
    assert under_header.covered == 0
    led = verdict(
        content,
        "e11-multi-region",
        "Also replicate: Redis, queues, config, secrets, container images, deploy pipeline.",
        {},
    )
    assert status(led, "e11-dependencies") is Status.COVERED


@pytest.mark.parametrize(
    ("drill", "text", "item"),
    [
        (READ, "Tuning queries and indexes is just a band-aid at this load.", "b2-tune-the-db"),
        (
            WRITE,
            "Cross-shard joins and transactions keep working as before.",
            "d8-lose-joins-transactions",
        ),
        ("e11-multi-region", "CAP and PACELC are academic.", "e11-partition"),
        ("e14-cascading-failure", "Load shedding is the wrong answer.", "e14-shedding"),
    ],
)
def test_more_ways_of_waving_an_idea_away(
    content: Content, drill: str, text: str, item: str
) -> None:
    assert status(verdict(content, drill, text, {}), item) is Status.CONTRADICTED


def test_a_clause_that_disagrees_with_the_one_before_rejects_it(content: Content) -> None:
    v = verdict(content, WRITE, "People say replicas don't help with writes, but I disagree.")
    assert status(v, "d2-replicas-dont-help") is not Status.COVERED


def test_one_term_per_bullet_under_a_topic_header_is_a_list(content: Content) -> None:
    terms = "\n- ".join(
        ("CloudFront", "Cache-Control max-age", "versioned URLs", "purge", "origin shield",
         "stale-while-revalidate", "private, no-store")
    )  # fmt: skip
    assert verdict(content, "e07-cdn", f"CDN checklist:\n- {terms}", {}).covered == 0
    said = verdict(
        content,
        "e07-cdn",
        "What changes:\n- move images to S3 behind CloudFront\n- Cache-Control max-age a year\n"
        "- versioned URLs\n- purge on deploy\n- origin shield\n- private for personal pages",
        {},
    )
    assert status(said, "e07-versioning") is Status.COVERED
    assert status(said, "e07-private") is Status.COVERED
