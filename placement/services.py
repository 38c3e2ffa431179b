"""placement: services (filled by its issue)."""
