"""referrals: services (filled by its issue)."""
