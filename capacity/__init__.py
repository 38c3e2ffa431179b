"""Providers, locations, free/held/occupied places and their history."""
