"""referrals: views (filled by its issue)."""
