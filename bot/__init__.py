"""Rungs adapters: the console, the CLI and the settings (Discord and Slack join later)."""
