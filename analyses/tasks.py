"""analyses: tasks (filled by its issue)."""
