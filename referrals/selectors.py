"""referrals: selectors (filled by its issue)."""
