"""capacity: admin (filled by its issue)."""
