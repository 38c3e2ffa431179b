"""Youth identity (restricted), referrals, the explanatory analysis and its status machine."""
