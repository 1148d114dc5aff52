"""Time zones as people type them, and `/cluster set` lines that contradict themselves."""

from __future__ import annotations

import pytest

from engine.sim.config import Balancer, LbAlgorithm
from engine.text.cluster_set import check_cluster_changes
from engine.text.zones import TimeZoneError, parse_time_zone, suggest


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("europe/berlin", "Europe/Berlin"),
        ("  Europe/Berlin ", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("america/argentina/buenos_aires", "America/Argentina/Buenos_Aires"),
        ("america/port-au-prince", "America/Port-au-Prince"),
    ],
)
def test_names_in_any_case_give_the_canonical_key(typed: str, key: str) -> None:
    assert parse_time_zone(typed) == key


def test_a_bare_city_is_refused_with_the_zone_it_means() -> None:
    with pytest.raises(TimeZoneError) as caught:
        parse_time_zone("berlin")
    assert caught.value.suggestions == ("Europe/Berlin",)
    assert str(caught.value) == "'berlin' is a city, not a time zone: write Europe/Berlin"
    assert suggest("new-york") == ("America/New_York",)
    assert suggest("NewYork") == ("America/New_York",)
    assert set(suggest("istanbul")) == {"Asia/Istanbul", "Europe/Istanbul"}


def test_a_near_miss_gets_the_closest_names() -> None:
    with pytest.raises(TimeZoneError) as caught:
        parse_time_zone("Europe/Berlni")
    assert caught.value.suggestions[0] == "Europe/Berlin"
    assert str(caught.value).startswith("'Europe/Berlni' is not a time zone; the closest is ")


@pytest.mark.parametrize("typed", ["", "   ", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/x"])
def test_what_is_no_zone_at_all_gets_the_example(typed: str) -> None:
    with pytest.raises(TimeZoneError) as caught:
        parse_time_zone(typed)
    assert "write it as Area/City, like Europe/Berlin" in str(caught.value)
    assert caught.value.suggestions == ()
    assert not str(caught.value).endswith(".")  # the parser adds the full stop


def test_a_fixed_offset_explains_the_reversed_posix_sign() -> None:
    with pytest.raises(TimeZoneError, match=r"or Etc/GMT-2 for a fixed UTC\+2"):
        parse_time_zone("utc+2")
    with pytest.raises(TimeZoneError, match=r"Etc/GMT\+5 for a fixed UTC-5"):
        parse_time_zone("GMT-5")
    with pytest.raises(TimeZoneError, match="is UTC: write UTC"):
        parse_time_zone("utc+0")
    assert parse_time_zone("gmt+0") == "GMT+0"  # a name in the database: kept as it is


def test_a_line_error_message_never_echoes_control_characters() -> None:
    with pytest.raises(TimeZoneError) as caught:
        parse_time_zone("Europe/\x1b[31mBerlin")
    assert "\x1b" not in str(caught.value)


# --- /cluster set --------------------------------------------------------------------------


def test_a_setting_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"servers is given twice, as servers=3 and servers=5"):
        check_cluster_changes([("servers", 3), ("cache", 10), ("servers", 5)], "haproxy")
    with pytest.raises(ValueError, match=r"\(the same value both times\)"):
        check_cluster_changes([("ttl", 60), ("ttl", 60)], "haproxy")
    with pytest.raises(ValueError, match="lb is given twice"):
        check_cluster_changes([("lb", "weighted"), ("lb", "round-robin")])


def test_weights_apply_to_every_algorithm() -> None:
    # Both HAProxy and nginx weigh round-robin, least-connections and consistent hashing, and
    # so does the simulation: weights without lb=weighted are no contradiction.
    for lb in LbAlgorithm:
        check_cluster_changes([("lb", lb), ("weights", (3, 1, 1))], "haproxy")
        check_cluster_changes([("lb", lb), ("weights", (3, 1, 1))], "nginx")
    check_cluster_changes([("weights", (3, 1, 1))])


def test_a_setting_of_the_other_balancer_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^redispatch: HAProxy setting, but this line sets "):
        check_cluster_changes([("balancer", Balancer.NGINX), ("redispatch", "off")], "haproxy")
    with pytest.raises(ValueError, match="this cluster models nginx; add balancer=haproxy"):
        check_cluster_changes([("retries", 1)], "nginx")
    with pytest.raises(ValueError, match=r"^fall and rise: HAProxy settings, and this cluster"):
        check_cluster_changes([("fall", 2), ("servers", 4), ("rise", 1)], "nginx")
    with pytest.raises(ValueError, match=r"^max_fails and fail_timeout: nginx settings, and "):
        check_cluster_changes([("max_fails", 2), ("fail_timeout", 30)], "haproxy")
    with pytest.raises(ValueError, match="models HAProxy; add balancer=nginx to the same line"):
        check_cluster_changes([("fail_timeout", 30)], "haproxy")


def test_settings_of_the_balancer_in_use_or_of_both_pass() -> None:
    check_cluster_changes([("retries", 1), ("redispatch", "off"), ("fall", 2)], "haproxy")
    check_cluster_changes([("max_fails", 2), ("fail_timeout", 30)], "nginx")
    check_cluster_changes([("balancer", "nginx"), ("max_fails", 0)], "haproxy")
    check_cluster_changes([("balancer", "haproxy"), ("interval", 1)], "nginx")
    for shared in (("connect_timeout", 500), ("local_cache", 50), ("lb", "least-connections")):
        check_cluster_changes([shared], "haproxy")
        check_cluster_changes([shared], "nginx")


def test_the_parser_without_the_cluster_checks_only_the_line() -> None:
    check_cluster_changes([("retries", 1)])  # the cluster may already be HAProxy
    check_cluster_changes([("max_fails", 3)])  # or nginx
    with pytest.raises(ValueError, match="this line sets balancer=haproxy"):
        check_cluster_changes([("fail_timeout", 5), ("balancer", "haproxy")])
