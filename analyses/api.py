"""analyses: api (filled by its issue)."""
