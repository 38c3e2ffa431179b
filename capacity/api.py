"""capacity: api (filled by its issue)."""
