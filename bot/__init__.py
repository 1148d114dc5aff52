"""Rungs adapters: the console, Discord and Slack, the CLI and the settings."""
