"""Challenges: publishing, the catalogue, clarifications."""
