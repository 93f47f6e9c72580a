"""Visits and the people taking part in them."""
