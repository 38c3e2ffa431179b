"""referrals: admin (filled by its issue)."""
