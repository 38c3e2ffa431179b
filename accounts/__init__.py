"""Regions, municipalities, organisations, users with their role, and the access audit trail."""
