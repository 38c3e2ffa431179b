"""referrals: tasks (filled by its issue)."""
