"""referrals: api (filled by its issue)."""
