"""capacity: views (filled by its issue)."""
