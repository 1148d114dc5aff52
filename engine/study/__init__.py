"""The study path around the scaling ladder: the catalogue of drills in ladder order, the
recommended next drill, hints, the review of misses, review dates aimed at an interview,
reminders, streaks with a freeze, leaderboard periods and the daily drill's weekly climb.

Everything here is pure and deterministic given its inputs and a clock value: it reads content
and plain values (attempts, review dates, settings) and returns values; storage, commands and
delivery are wired around it by the Tutor."""
