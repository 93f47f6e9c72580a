"""Venues: where stops happen, with coordinates, time zone and opening hours."""
