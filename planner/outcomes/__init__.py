"""Outcomes of visits and the follow-ups that carry them on."""
