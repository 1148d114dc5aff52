"""The catalogue in ladder order and the recommended next drill, from fixed attempts and dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.content.loader import Content
from engine.progress.summary import Attempt
from engine.study.catalogue import build_catalogue, drill_line, stage_line
from engine.study.recommend import Reason, recommend

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Berlin


def attempt(
    content: Content, drill_id: str, days_ago: float, missed: tuple[str, ...] = ()
) -> Attempt:
    total = len(content.drills[drill_id].checklist)
    return Attempt(drill_id, NOW - timedelta(days=days_ago), total - len(missed), total, missed)


def items(content: Content, drill_id: str) -> list[str]:
    return [item.id for item in content.drills[drill_id].checklist]


def all_tried(content: Content, days_ago: float = 3) -> list[Attempt]:
    return [attempt(content, d, days_ago + i / 100) for i, d in enumerate(content.study.ladder())]


# --- the catalogue ---------------------------------------------------------------------------


def test_a_new_learner_sees_every_drill_grouped_in_ladder_order(content: Content) -> None:
    catalogue = build_catalogue(content, [], [], NOW)
    assert [s.stage.id for s in catalogue.stages][:3] == [
        "two-ways-to-scale",
        "statelessness",
        "balancers",
    ]
    assert [d.drill_id for d in catalogue.drills()] == list(content.study.ladder())
    assert all(d.best is None and d.due is None for d in catalogue.drills())
    assert catalogue.current_stage.stage.id == "two-ways-to-scale"
    assert stage_line(catalogue.stages[3]) == "Caching: 5 drills, none tried yet"
    assert stage_line(catalogue.stages[0]) == "Two ways to scale: 1 drill, none tried yet"


def test_best_coverage_and_next_review_per_drill(content: Content) -> None:
    a_items = items(content, "a-cpu-at-80")
    attempts = [
        attempt(content, "a-cpu-at-80", 5, tuple(a_items[:6])),  # 4/10
        attempt(content, "a-cpu-at-80", 3, tuple(a_items[:2])),  # 8/10: the best
        attempt(content, "a-cpu-at-80", 1, tuple(a_items[:4])),  # 6/10, the latest
        attempt(content, "e01-cache-invalidation", 2, ()),
        Attempt("retired-drill", NOW, 1, 2, ()),  # no longer in the content: left out
    ]
    due = [("a-cpu-at-80", NOW + timedelta(days=2)), ("e01-cache-invalidation", NOW)]
    catalogue = build_catalogue(content, attempts, due, NOW)
    a = catalogue.standing("a-cpu-at-80")
    assert (a.attempts, a.best and (a.best.covered, a.best.total)) == (3, (8, 10))
    assert a.best is not None
    assert a.best.at == NOW - timedelta(days=3)
    assert a.last_at == NOW - timedelta(days=1)
    assert not a.due_now
    assert drill_line(a, BERLIN) == (
        "a-cpu-at-80 · One app server at 80% CPU (easy) · best 8/10 · next review Friday 6 March"
    )
    cache = catalogue.standing("e01-cache-invalidation")
    assert cache.due_now
    assert drill_line(cache, BERLIN).endswith("· best 8/8 · review due now")
    assert drill_line(catalogue.standing("e07-cdn"), BERLIN).endswith("(easy) · not tried yet")
    assert stage_line(catalogue.stages[0]) == (
        "Two ways to scale: 1 drill, 1 tried; 8 of 10 items covered at best (80%)"
    )
    assert stage_line(catalogue.stages[3]) == (
        "Caching: 5 drills, 1 tried; 8 of 8 items covered at best (100%)"
    )
    assert catalogue.current_stage.stage.id == "statelessness"


# --- the recommendation ----------------------------------------------------------------------


def test_a_new_learner_starts_at_the_first_rung(content: Content) -> None:
    pick = recommend(content, [], [], NOW, BERLIN)
    assert pick.drill_id == "a-cpu-at-80"
    assert pick.reason is Reason.NEXT_RUNG
    assert pick.why == "It is the first rung of the ladder: Two ways to scale."


def test_a_solid_rung_leads_to_the_next_one(content: Content) -> None:
    done = [attempt(content, "a-cpu-at-80", 1, ("a3-80-is-a-warning",))]
    pick = recommend(content, done, [], NOW, BERLIN)
    assert (pick.drill_id, pick.reason) == ("e05-sessions", Reason.NEXT_RUNG)
    assert pick.why == "It is the next rung of the ladder: the first drill of Statelessness."
    done.append(attempt(content, "e05-sessions", 1))
    pick = recommend(content, done, [], NOW, BERLIN)
    assert pick.drill_id == "e13-autoscaling"
    assert pick.why == "It is the next rung of the ladder: the next drill of Statelessness to try."


def test_a_weak_rung_is_repaired_before_climbing_on(content: Content) -> None:
    weak = attempt(content, "a-cpu-at-80", 2, tuple(items(content, "a-cpu-at-80")[:7]))  # 3/10
    pick = recommend(content, [weak], [], NOW, BERLIN)
    assert (pick.drill_id, pick.reason) == ("a-cpu-at-80", Reason.WEAK)
    assert pick.why == (
        "On Monday 2 March you covered 3 of 10 items here, so this rung needs another go "
        "before you climb on."
    )


def test_a_weak_drill_done_today_or_booked_for_review_is_left_alone(content: Content) -> None:
    weak_today = attempt(content, "a-cpu-at-80", 0.1, tuple(items(content, "a-cpu-at-80")[:7]))
    assert recommend(content, [weak_today], [], NOW, BERLIN).drill_id == "e05-sessions"
    weak = attempt(content, "a-cpu-at-80", 2, tuple(items(content, "a-cpu-at-80")[:7]))
    booked = [("a-cpu-at-80", NOW + timedelta(days=1))]  # FSRS owns it: it comes back tomorrow
    assert recommend(content, [weak], booked, NOW, BERLIN).drill_id == "e05-sessions"


def test_the_weakest_of_several_weak_drills_then_ladder_order(content: Content) -> None:
    a = attempt(content, "a-cpu-at-80", 2, tuple(items(content, "a-cpu-at-80")[:6]))  # 4/10
    b = attempt(content, "b-read-ladder", 2, tuple(items(content, "b-read-ladder")[:7]))  # 3/10
    c = attempt(content, "c-lb-ha", 2, tuple(items(content, "c-lb-ha")[:7]))  # 3/10
    pick = recommend(content, [a, b, c], [], NOW, BERLIN)
    assert pick.drill_id == "c-lb-ha"  # 3/10 like b-read-ladder, but earlier on the ladder


def test_a_due_review_comes_first_the_one_covered_least(content: Content) -> None:
    done = [
        attempt(content, "a-cpu-at-80", 9, ("a3-80-is-a-warning",)),
        attempt(content, "e05-sessions", 8, tuple(items(content, "e05-sessions")[:3])),
    ]
    due = [
        ("a-cpu-at-80", NOW - timedelta(days=3)),  # more overdue, but covered better
        ("e05-sessions", NOW - timedelta(hours=2)),
        ("e07-cdn", NOW + timedelta(hours=1)),  # not due yet
    ]
    pick = recommend(content, done, due, NOW, BERLIN)
    assert (pick.drill_id, pick.reason) == ("e05-sessions", Reason.DUE)
    assert pick.why == (
        "Its review is due (since Wednesday 4 March), and last time you covered 4 of 7 items."
    )


def test_with_everything_tried_the_drill_holding_the_most_missed_items(content: Content) -> None:
    done = all_tried(content)
    stampede = items(content, "e02-cache-stampede")
    done += [
        attempt(content, "e02-cache-stampede", 6, (stampede[4],)),
        attempt(content, "e02-cache-stampede", 5, (stampede[4], stampede[1])),
        attempt(content, "e02-cache-stampede", 2.5, (stampede[4],)),  # the latest: one gap
        attempt(content, "e07-cdn", 2, ("e07-private",)),  # one gap, missed once
    ]
    pick = recommend(content, done, [], NOW, BERLIN)
    assert (pick.drill_id, pick.reason) == ("e02-cache-stampede", Reason.MOST_MISSED)
    assert pick.why == (
        "It holds the items you miss most, such as “Jitter the TTLs” (missed 3 times)."
    )


def test_with_no_gaps_left_the_drill_done_longest_ago(content: Content) -> None:
    done = all_tried(content)
    pick = recommend(content, done, [], NOW, BERLIN)
    oldest = max(done, key=lambda a: NOW - a.ended_at)
    assert (pick.drill_id, pick.reason) == (oldest.drill_id, Reason.OLDEST)
    assert pick.why == (
        "No drill has gaps left from last time, so here is the one you did longest ago "
        "(Sunday 1 March)."
    )


def test_todays_drills_give_way_to_older_ones(content: Content) -> None:
    done = all_tried(content)
    done.append(attempt(content, "e07-cdn", 0.1, ("e07-private", "e07-latency")))  # today
    pick = recommend(content, done, [], NOW, BERLIN)
    assert pick.reason is Reason.OLDEST
    assert pick.drill_id != "e07-cdn"
    assert pick.why.startswith("Apart from today's drills, none has gaps left from last time")


def test_the_same_inputs_give_the_same_drill_in_any_order(content: Content) -> None:
    done = all_tried(content)
    done.append(attempt(content, "e03-hot-keys", 1, ("e03-detect",)))
    done.append(attempt(content, "e10-resharding", 1, ("e10-verify",)))
    first = recommend(content, done, [], NOW, BERLIN)
    assert recommend(content, list(reversed(done)), [], NOW, BERLIN) == first
    assert first.drill_id == "e03-hot-keys"  # a tie on weight and date: ladder order decides
