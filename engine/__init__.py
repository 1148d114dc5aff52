"""Rungs engine: the platform-free core (domain, commands, replies, the Tutor service, storage)."""
