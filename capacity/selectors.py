"""capacity: selectors (filled by its issue)."""
