"""Timed design drills: numbers drawn, scoring, the sketch's length rule, reviews. Pure domain."""
