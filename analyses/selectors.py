"""analyses: selectors (filled by its issue)."""
