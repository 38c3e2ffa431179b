"""placement: views (filled by its issue)."""
