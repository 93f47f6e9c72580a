"""Partnerships between places and organizations, carried across visits and months."""
