"""analyses: models (filled by its issue)."""
