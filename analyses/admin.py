"""analyses: admin (filled by its issue)."""
