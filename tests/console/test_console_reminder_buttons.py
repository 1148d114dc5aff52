"""A review reminder in `rungs console` (piped, on a stepped clock and a real SQLite file):
its buttons are listed under the post and `:press LABEL` presses them, since Snooze a day has
no typed command; the buttons still act only for the learner the reminder was sent to."""

from __future__ import annotations

from pathlib import Path

from console_runs import rungs

SCRIPT = "\n".join(
    [
        ":press Snooze a day",  # nothing has come yet
        "/drill a-cpu-at-80",
        "/answer scale up first",
        "/reveal",
        "/rate again",  # due again in a day: Sunday 09:00
        "/settings reminders=daily 09:30",
        *[":wait 3600"] * 25,  # to Sunday 10:00, past the reminder's 09:30
        ":user bob",
        ":press Snooze a day",
        ":user alice",
        ":press Dance",
        ":press snooze a day",
        ":press Review now",
        "",
    ]
)


def test_a_reminders_buttons_are_pressed_with_press(tmp_path: Path) -> None:
    done = rungs(
        "console",
        "--db",
        tmp_path / "rungs.db",
        "--user",
        "alice",
        "--start-at",
        "2026-11-28T09:00:00Z",
        stdin=SCRIPT,
    )
    assert done.returncode == 0, done.stderr
    replies = [r for r in done.replies if not r.startswith("(")]  # no ":wait", ":user" notes
    assert replies[0] == "! No scheduled post with buttons has come yet."
    reminder, bob, unknown, snoozed, review = replies[-5:]
    assert reminder == (
        "[scheduled post for alice only]\n"
        "1 review is due: One app server at 80% CPU. Turn these off with /settings reminders=off.\n"
        "Buttons: [Review now] [Snooze a day] [Stop reminders]; :press LABEL presses one."
    )
    assert bob == "! That reminder was sent to someone else; its buttons are theirs."
    assert unknown == (
        "! The last scheduled post has no button 'Dance': Review now, Snooze a day, Stop reminders."
    )
    assert snoozed.startswith("Snoozed: no reminder on Monday 30 November."), snoozed
    assert review.startswith("Drill: One app server at 80% CPU"), review


def test_a_posts_button_acts_in_the_posts_channel(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":channel study",
            "/schedule daily 09:00 UTC",
            ":channel",  # back in your own space when the post comes
            ":wait 3600",
            ":press Team challenge",
            ":channel study",
            "/challenge status",
            "",
        ]
    )
    done = rungs(
        "console",
        "--db",
        tmp_path / "rungs.db",
        "--user",
        "alice",
        "--start-at",
        "2026-11-30T08:00:00Z",
        stdin=script,
    )
    assert done.returncode == 0, done.stderr
    post = next(r for r in done.replies if r.startswith("[scheduled post in #study]"))
    assert post.endswith("Buttons: [Start] [Team challenge]; :press LABEL presses one."), post
    pressed, _, status = done.replies[-3:]
    assert pressed.startswith("Team challenge: One app server at 80% CPU"), pressed
    assert "Answers close: in" in status, status
