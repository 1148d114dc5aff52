"""Every lesson's "Try it", typed into the Tutor on a real SQLite file, shows what the lesson
claims: each lesson has a check below that reads the replies as a console user sees them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.console.render import render
from engine.content.loader import Content, load_content
from engine.tutor import Actor, Tutor

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
Check = Callable[[list[str]], None]


def served_by(reply: str) -> str:
    """The app server that answered: the last one that built a response."""
    found = re.findall(r"(app-\d+) builds", reply)
    assert found, reply
    return found[-1]


def first_step_ms(reply: str) -> float:
    match = re.search(r"^1/\d+ .*\(\+([0-9.]+) ms, ", reply, re.MULTILINE)
    assert match, reply
    return float(match.group(1))


def summary_ms(reply: str) -> tuple[float, float]:
    """(time inside the cluster, time as the client sees it) from a trace's summary line."""
    match = re.search(r"([0-9.]+) ms in the cluster \(~([0-9]+) ms for the client\)", reply)
    assert match, reply
    return float(match.group(1)), float(match.group(2))


def two_ways_to_scale(r: list[str]) -> None:
    assert "servers=2" in r[1]
    assert [served_by(r[2]), served_by(r[3])] == ["app-0", "app-1"]  # the new one at once


def statelessness(r: list[str]) -> None:
    assert "creates a session for" in r[1]
    assert "401 Unauthorized" in r[3]
    assert "is logged out" in r[3]
    assert "database queries: 0" in r[3]  # nothing was written


def load_balancers(r: list[str]) -> None:
    assert first_step_ms(r[1]) == 0.05
    assert first_step_ms(r[3]) == 0.2


def lb_algorithms(r: list[str]) -> None:
    assert served_by(r[2]) == "app-0"  # nothing was in flight yet: the slow server gets one
    assert summary_ms(r[2])[0] > 2_000
    assert "app-0" not in {served_by(reply) for reply in r[3:]}
    assert all(summary_ms(reply)[0] < 10 for reply in r[3:])


def consistent_hashing(r: list[str]) -> None:
    assert "finds user:7 in its own memory" in r[2]
    assert "database queries: 0" in r[2]
    assert "going from 3 to 4 app servers moves" in r[3]
    assert "about 25% expected" in r[3]


def health_checks(r: list[str]) -> None:
    assert "app-0 refuses the connection" in r[2]
    assert "lb retries on app server" in r[2]
    assert "200 OK delivered" in r[2]
    assert "app-0 failed its health check" in r[3]
    assert "marks it DOWN" in r[3]
    assert "skipping app-0" in r[4]
    assert "refuses" not in r[4]


def lb_high_availability(r: list[str]) -> None:
    assert "single point of failure" in r[1]
    assert "the client times out" in r[1]
    assert "back and routing traffic" in r[2]


def caching(r: list[str]) -> None:
    assert "cache MISS" in r[0]
    assert "cache HIT" in r[1]
    assert "DEL user:7" in r[2]
    assert "MISS: user:7 is not in the cache: a write deleted it" in r[3]


def read_replicas(r: list[str]) -> None:
    assert "applied about 500 ms later" in r[1]
    assert "returns the OLD row, a stale read" in r[2]


def sharding(r: list[str]) -> None:
    assert re.search(r"user:7 lives on shard \d \(hash\(user:7\) mod 4", r[1])
    assert "on every shard at once" in r[2]
    assert "database queries: 4" in r[2]
    assert "going from 4 to 5 shards moves" in r[3]


def data_tier_ladder(r: list[str]) -> None:
    assert "no cache · " in r[1]
    assert "database queries: 1" in r[1]
    assert "database queries: 0" in r[4]
    assert "cache HIT" in r[4]


def db_failover(r: list[str]) -> None:
    assert "Failover: replica-0 is promoted" in r[3]
    assert "are lost: user:7" in r[3]
    assert "lost in the failover" in r[4]


def hot_keys(r: list[str]) -> None:
    assert len({served_by(reply) for reply in r[1:4]}) == 3  # each server warms its own copy
    assert "finds user:1 in its own memory" in r[4]
    assert "no network" in r[4]


def autoscaling(r: list[str]) -> None:
    assert served_by(r[1]) == "app-0"
    assert "servers=3" in r[2]
    assert "app-2" in {served_by(reply) for reply in r[3:]}


def cascading_failure(r: list[str]) -> None:
    assert summary_ms(r[1])[0] > 5_000  # the slow server's request
    assert served_by(r[4]) == "app-0"  # round-robin comes back to it
    assert re.search(r"app-0 .* · 2 in flight", r[5])


def cdn(r: list[str]) -> None:
    inside, client = summary_ms(r[1])
    assert "cache HIT" in r[1]
    assert client > 5 * inside  # the trip to the data centre is most of the wait


def multi_region(r: list[str]) -> None:
    assert "(after the response)" in r[0]
    assert "streams the change" in r[0]
    assert "returns the OLD row" in r[1]  # a copy that has not received the change yet


def queues(r: list[str]) -> None:
    last = [line for line in r[0].splitlines() if re.match(r"\d+/\d+ ", line)][-1]
    assert "(after the response)" in last
    assert "(+0 ms, 5 ms)" in last  # not added to the 5 ms the client waited for
    assert "201 Created" in r[0]


def rate_limiting(r: list[str]) -> None:
    assert [served_by(reply) for reply in r] == ["app-0", "app-1", "app-2"]


CHECKS: dict[str, Check] = {
    "two-ways-to-scale": two_ways_to_scale,
    "statelessness": statelessness,
    "load-balancers": load_balancers,
    "lb-algorithms": lb_algorithms,
    "consistent-hashing": consistent_hashing,
    "health-checks": health_checks,
    "lb-high-availability": lb_high_availability,
    "caching": caching,
    "read-replicas": read_replicas,
    "sharding": sharding,
    "data-tier-ladder": data_tier_ladder,
    "db-failover": db_failover,
    "hot-keys": hot_keys,
    "autoscaling": autoscaling,
    "cascading-failure": cascading_failure,
    "cdn": cdn,
    "multi-region": multi_region,
    "queues": queues,
    "rate-limiting": rate_limiting,
}

CONTENT = load_content()


def test_every_lesson_has_a_check() -> None:
    assert set(CHECKS) == set(CONTENT.lessons)


@pytest.mark.parametrize("lesson_id", list(CONTENT.lessons))
async def test_the_try_it_shows_the_lessons_claim(tutor: Tutor, lesson_id: str) -> None:
    lesson = CONTENT.lessons[lesson_id]
    actor = Actor("console", "local", "learner", "learner", f"try-{lesson_id}")
    card = render(await tutor.handle_text(actor, f"/learn {lesson_id}"), NOW)
    assert lesson.title in card
    replies = []
    for command in lesson.try_:
        reply = render(await tutor.handle_text(actor, command), NOW)
        assert not reply.startswith("! "), (command, reply)
        replies.append(reply)
    CHECKS[lesson_id](replies)


def test_every_drill_topic_has_a_lesson(content: Content) -> None:
    for drill in content.drills.values():
        assert content.find_lesson(drill.topic) is not None, drill.topic


def test_lesson_sources_have_titles_and_addresses() -> None:
    sources = load_sources()
    for lesson in CONTENT.lessons.values():
        for source in lesson.sources:
            title, url = sources[source]
            assert len(title) > 10, source
            assert url is not None, f"{lesson.id} cites {source}, which has no address"


def load_sources() -> dict[str, tuple[str, str | None]]:
    import yaml

    from engine.content.loader import default_content_dir
    from engine.content.models import Source

    raw = yaml.safe_load((default_content_dir() / "sources.yaml").read_text())
    parsed = [Source.model_validate(item) for item in raw["sources"]]
    return {s.id: (s.title, s.url) for s in parsed}
