"""placement: admin (filled by its issue)."""
