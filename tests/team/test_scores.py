"""A team's combined coverage and the points."""

from __future__ import annotations

from engine.team.scores import BEST_BONUS, Participant, team_result

ITEMS = ["lb", "cache", "replicas", "shards"]


def person(name: str, *covered: str, answered: bool = True) -> Participant:
    return Participant(f"console:local:{name}", name, frozenset(covered), answered)


def test_coverage_union_and_items_nobody_covered() -> None:
    result = team_result(ITEMS, [person("alice", "lb", "cache"), person("bob", "cache")])
    assert result.together == 2
    assert result.total == 4
    assert result.nobody == ("replicas", "shards")
    assert result.covered_by["cache"] == ("alice", "bob")
    assert result.covered_by["shards"] == ()


def test_points_are_items_covered_plus_a_bonus_for_the_best() -> None:
    result = team_result(
        ITEMS, [person("bob", "cache"), person("alice", "lb", "cache"), person("carol")]
    )
    by_name = {s.display_name: s for s in result.standings}
    assert by_name["alice"].points == 2 + BEST_BONUS
    assert by_name["alice"].best
    assert by_name["bob"].points == 1
    assert by_name["carol"].points == 0
    assert [s.display_name for s in result.standings] == ["alice", "bob", "carol"]


def test_ties_share_the_bonus_and_keep_joining_order() -> None:
    result = team_result(ITEMS, [person("bob", "lb"), person("alice", "cache")])
    assert [(s.display_name, s.points, s.best) for s in result.standings] == [
        ("bob", 1 + BEST_BONUS, True),
        ("alice", 1 + BEST_BONUS, True),
    ]


def test_no_bonus_alone_or_when_nobody_covered_anything() -> None:
    alone = team_result(ITEMS, [person("alice", "lb"), person("bob", answered=False)])
    assert [s.points for s in alone.standings] == [1, 0]
    blank = team_result(ITEMS, [person("alice"), person("bob")])
    assert [s.points for s in blank.standings] == [0, 0]
    assert blank.together == 0


def test_unknown_item_ids_count_for_nothing() -> None:
    result = team_result(ITEMS, [person("alice", "lb", "gone-from-content")])
    assert result.standings[0].covered == 1
    assert team_result(ITEMS, []).standings == ()
