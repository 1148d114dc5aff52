"""Handlers: one per command family (engine.commands.types), each with the ports it uses."""
