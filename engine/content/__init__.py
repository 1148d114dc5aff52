"""Content: YAML data validated by strict models and loaded once at start-up."""
