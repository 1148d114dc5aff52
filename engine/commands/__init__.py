"""One grammar for every way in: text, structured options and button ids."""
