"""Numbered SQL migrations, one folder per dialect, applied in order at start-up."""
