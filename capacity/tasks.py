"""capacity: tasks (filled by its issue)."""
