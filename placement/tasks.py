"""placement: tasks (filled by its issue)."""
