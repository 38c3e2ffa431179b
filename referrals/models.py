"""referrals: models (filled by its issue)."""
