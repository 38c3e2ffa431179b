"""analyses: services (filled by its issue)."""
