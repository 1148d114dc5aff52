"""Per-user progress: drills done, coverage trend, streaks, the study list. Pure domain."""
