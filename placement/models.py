"""placement: models (filled by its issue)."""
