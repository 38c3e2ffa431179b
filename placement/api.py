"""placement: api (filled by its issue)."""
