"""placement: selectors (filled by its issue)."""
