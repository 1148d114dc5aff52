"""Timed design drills: scoring a sketch against a checklist, sessions, reviews. Pure domain."""
