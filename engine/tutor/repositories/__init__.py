"""Repositories: domain state loaded from and saved to the ports, where more than one call or a
cache is involved (the clusters)."""
