"""analyses: views (filled by its issue)."""
