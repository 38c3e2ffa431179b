"""Candidate selection and scoring, offers and answers, placements and their end."""
