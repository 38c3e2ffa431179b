"""capacity: services (filled by its issue)."""
